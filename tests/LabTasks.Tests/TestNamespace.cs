using System.Diagnostics;
using VirtLab.Util;

namespace VirtLab.Tests;

/// <summary>
/// A uniquely named network namespace for one test ("vltest-xxxxxxxx"), with lo up and,
/// when asked, a lab-like br0 carrying 10.1.1.254/24. Background processes started with
/// <see cref="StartBackground"/> are killed and the namespace deleted on Dispose.
/// </summary>
public sealed class TestNamespace : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private readonly List<Process> _processes = [];

    private TestNamespace(string name) => Name = name;

    public string Name { get; }

    public static TestNamespace Create(bool withLabBridge = true)
    {
        var ns = new TestNamespace("vltest-" + Guid.NewGuid().ToString("N")[..8]);
        ProcessRunner.RunChecked(LabCodes.LabNetwork, "ip", ["netns", "add", ns.Name], Bound);
        try
        {
            ns.Ip("link", "set", "lo", "up");
            if (withLabBridge)
            {
                ns.Ip("link", "add", "br0", "type", "bridge");
                ns.Ip("addr", "add", "10.1.1.254/24", "dev", "br0");
                ns.Ip("link", "set", "br0", "up");
            }
            return ns;
        }
        catch
        {
            ns.Dispose();
            throw;
        }
    }

    /// <summary>Runs `ip -n NAME args...` and throws if it fails.</summary>
    public ProcessResult Ip(params string[] args) =>
        ProcessRunner.RunChecked(LabCodes.LabNetwork, "ip", ["-n", Name, .. args], Bound);

    /// <summary>Runs a program inside the namespace (`ip netns exec`) and waits for it.</summary>
    public ProcessResult Exec(params string[] command) =>
        ProcessRunner.Run("ip", ["netns", "exec", Name, .. command], Bound);

    /// <summary>Starts a long-running program inside the namespace; it is killed on Dispose.</summary>
    public Process StartBackground(params string[] command)
    {
        var psi = new ProcessStartInfo("ip") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in (string[])["netns", "exec", Name, .. command]) psi.ArgumentList.Add(a);
        var process = Process.Start(psi)!;
        // Drain the pipes so the child never blocks on a full pipe.
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _processes.Add(process);
        return process;
    }

    /// <summary>Starts `busybox nc` as a persistent TCP echo server on <paramref name="port"/> and waits until it listens.</summary>
    public Process StartEchoServer(int port)
    {
        var process = StartBackground("busybox", "nc", "-ll", "-p", port.ToString(), "-e", "/bin/cat");
        var deadline = DateTime.UtcNow + Bound;
        while (!Exec("ss", "-tlnH", $"sport = :{port}").StandardOutput.Contains($":{port}"))
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
                throw new InvalidOperationException($"echo server on port {port} in {Name} did not start");
            Thread.Sleep(50);
        }
        return process;
    }

    public void Dispose()
    {
        foreach (var p in _processes)
        {
            try { if (!p.HasExited) p.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            p.WaitForExit(5000);
            p.Dispose();
        }
        _processes.Clear();
        ProcessRunner.Run("ip", ["netns", "del", Name], Bound);
    }
}
