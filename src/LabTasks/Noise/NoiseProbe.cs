using System.Diagnostics;
using System.Globalization;

namespace VirtLab.Noise;

/// <summary>
/// Watches the host around one repeat, from /proc only (no process is started): /proc/stat for
/// busy and steal time, /proc/&lt;pid&gt;/stat for the CPU each process used. A process counts
/// against the repeat when it is not the measurement's — neither this process's descendant or
/// ancestor (the build, sysbench on the host, ip netns exec …), nor in the lab's network namespace,
/// nor the lab's QEMU (its command line names the lab), nor a kernel thread — and used more than a
/// quarter of a core, or when it is a QEMU at all.
/// </summary>
public sealed class NoiseProbe
{
    public const double IntruderCores = 0.25;

    private readonly string _proc;
    private readonly string? _labMarker;
    private readonly string? _labNetNamespace;
    private readonly CpuTimes _before;
    private readonly Dictionary<int, ProcessSample> _processes;
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    private NoiseProbe(string proc, string? labMarker, string? labNetNamespace)
    {
        _proc = proc;
        _labMarker = labMarker;
        _labNetNamespace = labNetNamespace;
        _before = CpuTimes.Read(proc);
        _processes = Snapshot();
    }

    /// <summary>Starts watching. <paramref name="labMarker"/>: text in the lab QEMU's command line (its run folder); <paramref name="labNetNamespace"/>: the lab's network namespace.</summary>
    public static NoiseProbe Start(string? labMarker = null, string? labNetNamespace = null, string proc = "/proc") =>
        new(proc, labMarker, labNetNamespace is { Length: > 0 } name && Net.NetworkNamespace.Exists(name) ? Net.NetworkNamespace.IdOf(name) : null);

    public NoiseReading Finish()
    {
        var elapsed = Math.Max(_clock.Elapsed.TotalSeconds, 0.001);
        var after = CpuTimes.Read(_proc);
        var (busy, steal) = after.Since(_before);
        var processes = Snapshot();
        var ours = Lineage(processes);
        var intruders = new List<string>();
        foreach (var (pid, now) in processes)
        {
            if (ours.Contains(pid) || now.IsKernelThread || IsLab(pid)) continue;
            var cores = _processes.TryGetValue(pid, out var then) && then.Start == now.Start ? (now.Cpu - then.Cpu) / elapsed : now.Cpu / elapsed;
            if (now.Name.StartsWith("qemu-system", StringComparison.Ordinal))
                intruders.Add($"another QEMU ran (pid {pid})");
            else if (cores > IntruderCores)
                intruders.Add(string.Create(CultureInfo.InvariantCulture, $"{now.Name} (pid {pid}) used {cores:0.##} cores"));
        }
        return new NoiseReading(busy, steal, intruders);
    }

    private bool IsLab(int pid)
    {
        if (_labMarker is not null && Read($"{pid}/cmdline")?.Contains(_labMarker, StringComparison.Ordinal) == true) return true;
        if (_labNetNamespace is null) return false;
        try { return File.ResolveLinkTarget(Path.Combine(_proc, $"{pid}/ns/net"), returnFinalTarget: false)?.LinkTarget == _labNetNamespace; }
        catch (IOException) { return false; }
        catch (UnauthorizedAccessException) { return false; }
    }

    /// <summary>This process, its ancestors and every descendant.</summary>
    private static HashSet<int> Lineage(Dictionary<int, ProcessSample> processes)
    {
        var parents = processes.ToDictionary(p => p.Key, p => p.Value.Parent);
        var ours = new HashSet<int> { Environment.ProcessId };
        for (var pid = Environment.ProcessId; parents.TryGetValue(pid, out var parent) && parent > 1; pid = parent) ours.Add(parent);
        bool added;
        do
        {
            added = false;
            foreach (var (pid, parent) in parents)
                if (!ours.Contains(pid) && ours.Contains(parent) && parent != 1) added |= ours.Add(pid);
        } while (added);
        return ours;
    }

    private Dictionary<int, ProcessSample> Snapshot()
    {
        var samples = new Dictionary<int, ProcessSample>();
        foreach (var dir in Directory.EnumerateDirectories(_proc))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)) continue;
            if (Read($"{pid}/stat") is { } stat && ProcessSample.Parse(stat) is { } sample) samples[pid] = sample;
        }
        return samples;
    }

    private string? Read(string relative)
    {
        try { return File.ReadAllText(Path.Combine(_proc, relative)); }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }
}
