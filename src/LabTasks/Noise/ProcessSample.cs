using System.Globalization;

namespace VirtLab.Noise;

/// <summary>One process in /proc/&lt;pid&gt;/stat: its name, parent, CPU seconds so far and start time (to tell a reused pid).</summary>
public sealed record ProcessSample(string Name, int Parent, double Cpu, long Start)
{
    // USER_HZ is 100 on every Linux architecture VirtLab runs on (the kernel fixes it for /proc).
    private const double TicksPerSecond = 100.0;

    /// <summary>Kernel threads are children of kthreadd (pid 2); their work (softirqs of the lab's own traffic …) is not another program's.</summary>
    public bool IsKernelThread => Parent == 2 || Parent == 0;

    public static ProcessSample? Parse(string stat)
    {
        var open = stat.IndexOf('(');
        var close = stat.LastIndexOf(')');
        if (open < 0 || close < open || close + 2 > stat.Length) return null;
        var fields = stat[(close + 2)..].Split(' ');
        if (fields.Length < 20) return null;
        // After "(comm)": state is field 3, ppid 4, utime 14, stime 15, starttime 22.
        return new ProcessSample(stat[(open + 1)..close], int.Parse(fields[1], CultureInfo.InvariantCulture),
            (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond,
            long.Parse(fields[19], CultureInfo.InvariantCulture));
    }
}
