using System.Text;
using System.Text.RegularExpressions;

namespace VirtLab.Util;

/// <summary>
/// A tool's output as a terminal showed it, from a log captured the way people capture one (copied
/// from the terminal window, `script`, a redirect on Windows): colour and other escape sequences
/// dropped, carriage returns and backspaces applied as the terminal applied them, Windows line
/// ends and a byte order mark removed, and the `^C` / `^Z` the terminal echoed for Ctrl+C / Ctrl+Z
/// taken out of the text (the echo is glued to whatever the tool printed next) but remembered by
/// line, so a parser can tell whether the run was interrupted before its totals. Prompt lines stay:
/// no tool line starts like one, and the command line they show is evidence in itself.
/// </summary>
public sealed partial class TerminalCapture
{
    private TerminalCapture(IReadOnlyList<string> lines, IReadOnlyList<int> interruptLines, IReadOnlyList<int> suspendLines)
    {
        Lines = lines;
        InterruptLines = interruptLines;
        SuspendLines = suspendLines;
        Text = string.Join('\n', lines);
    }

    /// <summary>The lines as shown, joined by '\n' (a final line end is kept).</summary>
    public string Text { get; }

    public IReadOnlyList<string> Lines { get; }

    /// <summary>Indexes into <see cref="Lines"/> where the terminal echoed Ctrl+C (`^C`, or a raw 0x03).</summary>
    public IReadOnlyList<int> InterruptLines { get; }

    /// <summary>Indexes into <see cref="Lines"/> where the terminal echoed Ctrl+Z (`^Z`, or a raw 0x1A).</summary>
    public IReadOnlyList<int> SuspendLines { get; }

    // CSI (colours, bracketed paste "ESC[?2004h"), OSC (window titles, ended by BEL or ESC \),
    // character-set selection "ESC(B", and the remaining two-character escapes.
    [GeneratedRegex(@"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b\n]*(?:\x07|\x1b\\)?|\x1b[()*+][0-~]|\x1b[ -~]?", RegexOptions.CultureInvariant)]
    private static partial Regex EscapeSequence();

    public static TerminalCapture Read(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.StartsWith('\uFEFF')) text = text[1..];
        text = EscapeSequence().Replace(text, "");
        var lines = new List<string>();
        var interrupts = new List<int>();
        var suspends = new List<int>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw;
            if (Echoes(ref line, "^C", '\x03')) interrupts.Add(lines.Count);
            if (Echoes(ref line, "^Z", '\x1a')) suspends.Add(lines.Count);
            lines.Add(AsShown(line));
        }
        return new TerminalCapture(lines, interrupts, suspends);
    }

    private static bool Echoes(ref string line, string echo, char raw)
    {
        if (!line.Contains(echo, StringComparison.Ordinal) && !line.Contains(raw)) return false;
        line = line.Replace(echo, "", StringComparison.Ordinal).Replace(raw.ToString(), "", StringComparison.Ordinal);
        return true;
    }

    /// <summary>One line as the terminal left it: '\r' returns to its start and overwrites, '\b' steps back, other controls show nothing.</summary>
    private static string AsShown(string line)
    {
        if (!line.Any(char.IsControl)) return line;
        var shown = new StringBuilder(line.Length);
        var column = 0;
        foreach (var c in line)
        {
            switch (c)
            {
                case '\r': column = 0; break;
                case '\b': column = Math.Max(0, column - 1); break;
                case '\t': Put(shown, ref column, c); break;
                default:
                    if (!char.IsControl(c)) Put(shown, ref column, c);
                    break;
            }
        }
        return shown.ToString();
    }

    private static void Put(StringBuilder shown, ref int column, char c)
    {
        if (column < shown.Length) shown[column] = c;
        else shown.Append(c);
        column++;
    }
}
