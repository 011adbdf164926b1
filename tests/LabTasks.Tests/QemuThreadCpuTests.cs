using System.Globalization;
using VirtLab.Qemu;

namespace VirtLab.Tests;

/// <summary>Per-thread QEMU CPU time read from a fake /proc folder, classified by thread role.</summary>
public sealed class QemuThreadCpuTests : IDisposable
{
    private const int Pid = 4200;
    private readonly string _root = Path.Combine(Path.GetTempPath(), "virtlab-proc-" + Guid.NewGuid().ToString("N")[..8]);

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    /// <summary>Writes a /proc/&lt;pid&gt;/task/&lt;tid&gt; with stat (utime, stime in ticks of 1/100 s) and comm; returns that /proc root.</summary>
    private string Proc(string name, params (int Tid, string Comm, long Utime, long Stime)[] threads)
    {
        var proc = Path.Combine(_root, name);
        foreach (var t in threads)
        {
            var task = Directory.CreateDirectory(Path.Combine(proc, Pid.ToString(CultureInfo.InvariantCulture), "task", t.Tid.ToString(CultureInfo.InvariantCulture))).FullName;
            // As the kernel writes it: the comm may hold spaces and a slash, the fields after ")" are fixed.
            File.WriteAllText(Path.Combine(task, "stat"),
                $"{t.Tid} ({t.Comm}) S 1 {Pid} {Pid} 0 -1 4194368 100 0 0 0 {t.Utime} {t.Stime} 0 0 20 0 4 0 12345 100000 2000 18446744073709551615 1 1 0 0 0 0 0 4096 0 0 0 0 -1 0 0 0 0 0 0\n");
            File.WriteAllText(Path.Combine(task, "comm"), t.Comm + "\n");
        }
        return proc;
    }

    [Theory]
    [InlineData(Pid, "qemu-system-x86", "main")]
    [InlineData(Pid + 1, "CPU 0/TCG", "vcpu")]
    [InlineData(Pid + 2, "CPU 12/KVM", "vcpu")]
    [InlineData(Pid + 3, "worker", "other")]
    [InlineData(Pid + 4, "call_rcu", "other")]
    [InlineData(Pid + 5, "vhost-4200", "other")]
    [InlineData(Pid + 6, "CPU 0/TCG extra", "other")]
    [InlineData(Pid + 7, "qemu-system-x86", "other")]
    public void Threads_are_classified_by_tid_and_name(int tid, string comm, string role) =>
        Assert.Equal(role, QemuThreadRole.Of(Pid, tid, comm));

    [Fact]
    public void Read_takes_each_threads_name_and_user_plus_system_seconds()
    {
        var proc = Proc("one", (Pid, "qemu-system-x86", 150, 50), (Pid + 1, "CPU 0/TCG", 1000, 234));

        var threads = QemuThreadCpu.Read(Pid, proc).OrderBy(t => t.Tid).ToList();

        Assert.Equal([Pid, Pid + 1], threads.Select(t => t.Tid));
        Assert.Equal(["qemu-system-x86", "CPU 0/TCG"], threads.Select(t => t.Comm));
        Assert.Equal(2.0, threads[0].CpuSeconds, 6);
        Assert.Equal(12.34, threads[1].CpuSeconds, 6);
    }

    [Fact]
    public void Cores_per_role_are_the_cpu_seconds_each_role_used_over_the_run_seconds()
    {
        var before = QemuThreadCpu.Read(Pid, Proc("before",
            (Pid, "qemu-system-x86", 100, 100), (Pid + 1, "CPU 0/TCG", 500, 100), (Pid + 2, "worker", 10, 0), (Pid + 9, "worker", 5, 5)));
        // In 4 s: main +0.8 s, the vCPU +3.6 s, worker +0.2 s; a new worker (+0.4 s from zero); Pid+9 ended.
        var after = QemuThreadCpu.Read(Pid, Proc("after",
            (Pid, "qemu-system-x86", 150, 130), (Pid + 1, "CPU 0/TCG", 800, 160), (Pid + 2, "worker", 30, 0), (Pid + 3, "worker", 30, 10)));

        var cores = QemuThreadCpu.CoresByRole(Pid, before, after, seconds: 4);

        Assert.Equal(["main", "other", "vcpu"], cores.Keys);
        Assert.Equal(0.8 / 4, cores["main"], 6);
        Assert.Equal(3.6 / 4, cores["vcpu"], 6);
        Assert.Equal((0.2 + 0.4) / 4, cores["other"], 6);
    }

    [Fact]
    public void A_role_without_threads_is_zero_not_missing()
    {
        var only = QemuThreadCpu.Read(Pid, Proc("main-only", (Pid, "qemu-system-x86", 10, 0)));
        var cores = QemuThreadCpu.CoresByRole(Pid, only, only, seconds: 1);
        Assert.Equal(0, cores["vcpu"]);
        Assert.Throws<ArgumentOutOfRangeException>(() => QemuThreadCpu.CoresByRole(Pid, only, only, seconds: 0));
    }
}
