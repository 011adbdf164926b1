using System.Globalization;
using System.Text.RegularExpressions;

namespace VirtLab.Migration;

/// <summary>
/// This process's open file descriptors, resident memory and threads, read from /proc/self: what
/// a leak in the orchestrator would grow (a QMP socket, an SSH session or a child's pipes not
/// disposed after each migration).
/// </summary>
public sealed partial record ProcessFootprint(int OpenFiles, long RssKiB, int Threads)
{
    [GeneratedRegex(@"^(VmRSS|Threads):\s+([0-9]+)", RegexOptions.Multiline)]
    private static partial Regex StatusField();

    public static ProcessFootprint Current() => From(Directory.GetFileSystemEntries("/proc/self/fd").Length, File.ReadAllText("/proc/self/status"));

    /// <summary>From a count of /proc/&lt;pid&gt;/fd entries and the text of /proc/&lt;pid&gt;/status.</summary>
    public static ProcessFootprint From(int openFiles, string status)
    {
        long rss = 0;
        var threads = 0;
        foreach (Match m in StatusField().Matches(status))
        {
            var value = long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
            if (m.Groups[1].Value == "VmRSS") rss = value;
            else threads = (int)value;
        }
        return new ProcessFootprint(openFiles, rss, threads);
    }

    /// <summary>"open files 87, RSS 95.2 MiB, threads 41" — the form bench/soak.sh reads back.</summary>
    public string Describe() => string.Create(CultureInfo.InvariantCulture, $"open files {OpenFiles}, RSS {RssKiB / 1024.0:0.0} MiB, threads {Threads}");
}
