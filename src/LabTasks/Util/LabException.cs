namespace VirtLab.Util;

/// <summary>
/// A failure the user can act on: it carries a LAB code (explained in docs/lab-codes.md), the file it is
/// about (when there is one) and the fix.
/// </summary>
public sealed class LabException : Exception
{
    public LabException(string code, string message, string? fix = null, string? file = null, int line = 0, int column = 0, Exception? inner = null)
        : base(message, inner)
    {
        Code = code;
        Fix = fix;
        File = file;
        Line = line;
        Column = column;
    }

    public string Code { get; }
    public string? Fix { get; }
    public string? File { get; }
    public int Line { get; }
    public int Column { get; }

    /// <summary>The message as the build prints it: what went wrong, what to do, and the page that explains the code.</summary>
    public string FullMessage => (Fix is null ? Message.TrimEnd() : $"{Message.TrimEnd()} Fix: {Fix}") + $" See {LabCodes.DocumentationFor(Code)}.";

    /// <summary>
    /// <paramref name="text"/> on one line: line breaks (a tool's output quoted in a message) become
    /// " — ", so a build log shows one error, not one per line.
    /// </summary>
    public static string OneLine(string text) =>
        string.Join(" — ", text.Split(["\r\n", "\n", "\r"], StringSplitOptions.None).Select(l => l.Trim()).Where(l => l.Length > 0));
}
