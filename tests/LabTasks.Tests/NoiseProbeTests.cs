using System.Diagnostics;
using VirtLab.Noise;

namespace VirtLab.Tests;

/// <summary>The noise probe on this machine's real /proc, with real processes that compete for the CPU.</summary>
public sealed class NoiseProbeTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("virtlab-noise-").FullName;
    private readonly List<int> _orphans = [];

    [Fact]
    public void Proc_stat_lines_parse()
    {
        var before = CpuTimes.Parse("cpu  100 0 50 800 50 0 0 0 0 0");
        var after = CpuTimes.Parse("cpu  200 0 100 900 50 0 0 50 0 0");

        var (busy, steal) = after.Since(before);

        Assert.Equal(50, busy, 9);
        Assert.Equal(50.0 / 3, steal, 9);
        var p = ProcessSample.Parse("4242 (qemu-system-x86) S 1 4242 4242 0 -1 4194560 1 0 0 0 250 50 0 0 20 0 3 0 12345 0 0")!;
        Assert.Equal("qemu-system-x86", p.Name);
        Assert.Equal(1, p.Parent);
        Assert.Equal(3.0, p.Cpu, 9);
        Assert.Equal(12345, p.Start);
    }

    [Fact]
    public void A_busy_process_that_is_not_the_measurements_makes_the_repeat_noisy_and_our_own_child_does_not()
    {
        var probe = NoiseProbe.Start();
        var foreign = StartOrphan("/bin/sh", "-c 'while :; do :; done'");
        using var own = Process.Start("/bin/sh", ["-c", "end=$(($(date +%s)+2)); while [ $(date +%s) -lt $end ]; do :; done"])!;
        own.WaitForExit();
        var reading = probe.Finish();

        Assert.True(reading.IsNoisy);
        Assert.Contains(reading.Intruders, i => i.Contains($"pid {foreign})"));
        Assert.DoesNotContain(reading.Intruders, i => i.Contains($"pid {own.Id})"));
        var labels = new Dictionary<string, string>();
        reading.AddLabels(labels);
        Assert.Equal("true", labels["noisy"]);
        Assert.Contains("used", labels["noise"]);
    }

    [Fact]
    public void Another_QEMU_running_makes_the_repeat_noisy_even_when_idle()
    {
        var fake = Path.Combine(_dir, "qemu-system-x86_64");
        File.Copy("/bin/sleep", fake);
        File.SetUnixFileMode(fake, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        var probe = NoiseProbe.Start();
        var qemu = StartOrphan(fake, "30");
        Thread.Sleep(300);

        var reading = probe.Finish();

        Assert.Contains($"another QEMU ran (pid {qemu})", reading.Intruders);
    }

    /// <summary>Started through a shell that exits at once, so its parent is init: not a descendant of the test.</summary>
    private int StartOrphan(string program, string arguments)
    {
        var pidFile = Path.Combine(_dir, $"pid-{_orphans.Count}");
        using var shell = Process.Start("/bin/sh", ["-c", $"{program} {arguments} >/dev/null 2>&1 & echo $! > {pidFile}"])!;
        shell.WaitForExit();
        var pid = int.Parse(File.ReadAllText(pidFile).Trim());
        _orphans.Add(pid);
        Thread.Sleep(1500);
        return pid;
    }

    public void Dispose()
    {
        foreach (var pid in _orphans)
            try { Process.GetProcessById(pid).Kill(); } catch (ArgumentException) { } catch (InvalidOperationException) { }
        Directory.Delete(_dir, recursive: true);
    }
}
