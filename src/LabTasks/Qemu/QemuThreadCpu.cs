using System.Globalization;
using VirtLab.Noise;

namespace VirtLab.Qemu;

/// <summary>
/// Per-thread CPU time of a QEMU process from &lt;proc&gt;/&lt;pid&gt;/task/&lt;tid&gt;/{stat,comm}, and how
/// many cores each thread role kept busy between two readings.
/// </summary>
public static class QemuThreadCpu
{
    public static IReadOnlyList<QemuThreadSample> Read(int pid, string procRoot = "/proc")
    {
        var tasks = Path.Combine(procRoot, pid.ToString(CultureInfo.InvariantCulture), "task");
        var samples = new List<QemuThreadSample>();
        foreach (var directory in Directory.EnumerateDirectories(tasks))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var tid)) continue;
            try
            {
                var stat = ProcessSample.Parse(File.ReadAllText(Path.Combine(directory, "stat")));
                if (stat is null) continue;
                samples.Add(new QemuThreadSample(tid, File.ReadAllText(Path.Combine(directory, "comm")).TrimEnd('\n'), stat.Cpu));
            }
            // A thread may end between listing and reading; its time is lost either way.
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException) { }
        }
        return samples;
    }

    /// <summary>
    /// CPU seconds per role between the two readings, divided by <paramref name="seconds"/>: every
    /// role is present (0 when no thread of it ran). A thread that started in between counts from
    /// zero; one that ended in between is not counted.
    /// </summary>
    public static SortedDictionary<string, double> CoresByRole(int pid, IReadOnlyList<QemuThreadSample> before, IReadOnlyList<QemuThreadSample> after, double seconds)
    {
        if (seconds <= 0) throw new ArgumentOutOfRangeException(nameof(seconds), seconds, "the run must last some time");
        var cores = new SortedDictionary<string, double>(StringComparer.Ordinal);
        foreach (var role in QemuThreadRole.All) cores[role] = 0;
        var start = before.ToDictionary(t => t.Tid, t => t.CpuSeconds);
        foreach (var thread in after)
        {
            var used = thread.CpuSeconds - start.GetValueOrDefault(thread.Tid);
            cores[QemuThreadRole.Of(pid, thread.Tid, thread.Comm)] += Math.Max(0, used) / seconds;
        }
        return cores;
    }
}
