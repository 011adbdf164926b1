using System.Diagnostics;
using VirtLab.Util;

namespace VirtLab.Lab;

/// <summary>
/// Runs programs inside the lab's network namespace (`ip netns exec`, which also remounts /sys
/// for it; "" is the root namespace, used by host-NIC mode on a real host). Servers are started
/// in their own session so that stopping them stops their whole group.
/// </summary>
public sealed class LabCommand(string netns)
{
    /// <summary>Runs a program in the lab, marked as the lab's (<see cref="LabHelperMark"/>), so a killed build leaves it to no one.</summary>
    public ProcessResult Run(string program, IReadOnlyList<string> arguments, TimeSpan timeout, CancellationToken cancel = default) =>
        netns.Length == 0
            ? ProcessRunner.Run("env", [.. LabHelperMark.EnvPrefix(netns)[1..], program, .. arguments], timeout, cancel)
            : ProcessRunner.Run("ip", ["netns", "exec", netns, .. LabHelperMark.EnvPrefix(netns), program, .. arguments], timeout, cancel);

    /// <summary>
    /// The command line of a long-running lab helper (server, ping, tcpdump) in <paramref name="netns"/>.
    /// env --default-signal: a helper VirtLab stops with SIGINT (ping prints its summary then) must not
    /// inherit an ignored SIGINT — a build started as a background job of a non-interactive shell has one.
    /// </summary>
    public static string[] HelperArguments(string netns, string program, IReadOnlyList<string> arguments) =>
        netns.Length == 0
            ? ["env", "--default-signal", program, .. arguments]
            : ["ip", "netns", "exec", netns, "env", "--default-signal", program, .. arguments];

    public LabServer StartServer(string program, IReadOnlyList<string> arguments) => new(netns, program, arguments);

    /// <summary>Returns once something in the lab listens on TCP <paramref name="port"/>; LAB0050 after 10 s.</summary>
    public void WaitForListening(int port, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        var needle = ":" + port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        while (DateTime.UtcNow < deadline)
        {
            if (Run("ss", ["-Hltn", $"sport = {needle}"], TimeSpan.FromSeconds(5)).StandardOutput.Contains(needle, StringComparison.Ordinal)) return;
            Thread.Sleep(50);
        }
        throw new LabException(LabCodes.Benchmark, $"The {what} server in the lab did not listen on port {port} within 10 s.", "check that nothing else in the lab uses the port.");
    }
}
