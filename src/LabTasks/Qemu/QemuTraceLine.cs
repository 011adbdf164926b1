using System.Globalization;
using System.Text.RegularExpressions;

namespace VirtLab.Qemu;

/// <summary>
/// One line of QEMU's trace log (log backend) written with -msg timestamp=on:
/// "&lt;thread id&gt;@&lt;seconds&gt;.&lt;microseconds&gt;:&lt;event&gt; &lt;arguments&gt;". The time is the host's wall
/// clock, the same clock QMP events are stamped with, so trace lines and events share one timeline.
/// </summary>
public sealed partial record QemuTraceLine(DateTimeOffset Time, int Thread, string Event, string Arguments)
{
    /// <summary>The timestamped lines of a trace log; lines without a timestamp (written without -msg timestamp=on) are skipped.</summary>
    public static IEnumerable<QemuTraceLine> Parse(IEnumerable<string> lines)
    {
        foreach (var line in lines)
        {
            var m = Line().Match(line);
            if (!m.Success) continue;
            var seconds = long.Parse(m.Groups["s"].Value, CultureInfo.InvariantCulture);
            var micro = long.Parse(m.Groups["us"].Value, CultureInfo.InvariantCulture);
            yield return new QemuTraceLine(DateTimeOffset.FromUnixTimeSeconds(seconds).AddTicks(micro * 10),
                int.Parse(m.Groups["tid"].Value, CultureInfo.InvariantCulture), m.Groups["event"].Value, m.Groups["rest"].Value.TrimEnd());
        }
    }

    /// <summary>The value of "name=value" among the arguments (vmstate_downtime_save's idstr, downtime …), if there.</summary>
    public string? Argument(string name)
    {
        foreach (var part in Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            if (part.Length > name.Length && part.StartsWith(name, StringComparison.Ordinal) && part[name.Length] == '=')
                return part[(name.Length + 1)..];
        return null;
    }

    [GeneratedRegex(@"^(?<tid>[0-9]{1,9})@(?<s>[0-9]{1,12})\.(?<us>[0-9]{6}):(?<event>[a-z0-9_]+) ?(?<rest>.*)$")]
    private static partial Regex Line();
}
