using System.Globalization;

namespace VirtLab.Qemu;

/// <summary>CPU seconds (user + system) a process has used so far, from /proc/&lt;pid&gt;/stat.</summary>
public static class ProcessCpuTime
{
    // USER_HZ is 100 on every Linux architecture VirtLab runs on (the kernel fixes it for /proc).
    private const double TicksPerSecond = 100.0;

    public static double Seconds(int pid) => Parse(File.ReadAllText($"/proc/{pid}/stat"));

    public static double Parse(string stat)
    {
        // Fields after "(comm)": state is field 3, so utime (14) and stime (15) are at 11 and 12 here.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var utime = long.Parse(fields[11], CultureInfo.InvariantCulture);
        var stime = long.Parse(fields[12], CultureInfo.InvariantCulture);
        return (utime + stime) / TicksPerSecond;
    }
}
