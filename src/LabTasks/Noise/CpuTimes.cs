using System.Globalization;

namespace VirtLab.Noise;

/// <summary>The first line of /proc/stat: jiffies all CPUs spent busy, idle and stolen since boot.</summary>
public sealed record CpuTimes(long Busy, long Idle, long Steal)
{
    public static CpuTimes Read(string proc) => Parse(File.ReadLines(Path.Combine(proc, "stat")).First());

    /// <summary>"cpu  user nice system idle iowait irq softirq steal guest guest_nice" (guest time is already inside user).</summary>
    public static CpuTimes Parse(string line)
    {
        var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(v => long.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        long At(int i) => i < f.Length ? f[i] : 0;
        return new CpuTimes(At(0) + At(1) + At(2) + At(5) + At(6), At(3) + At(4), At(7));
    }

    /// <summary>Busy and stolen shares (percent of all CPUs' time) between <paramref name="before"/> and this reading.</summary>
    public (double BusyPercent, double StealPercent) Since(CpuTimes before)
    {
        double busy = Busy - before.Busy, idle = Idle - before.Idle, steal = Steal - before.Steal;
        var total = busy + idle + steal;
        return total <= 0 ? (0, 0) : (100 * busy / total, 100 * steal / total);
    }
}
