namespace VirtLab.Util;

/// <summary>
/// The end of a tool's output, quoted in an error message on one line: MSBuild prints each line of
/// a message as an error of its own, so the output's lines are joined with " | ".
/// </summary>
public static class OutputExcerpt
{
    public static string Tail(string text, int maxChars = 300) =>
        ProcessRunner.Tail(string.Join(" | ", (text ?? "").Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0)), maxChars);

    /// <summary>A number quoted in a message: its start, when it runs to hundreds of digits.</summary>
    public static string Number(string number) => number.Length <= 24 ? number : number[..20] + $"… ({number.Length} characters)";
}
