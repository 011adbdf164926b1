using System.Globalization;
using System.Text.RegularExpressions;
using VirtLab.Util;

namespace VirtLab.Sysbench;

/// <summary>
/// A validated sysbench invocation as a program plus argument list, for ProcessRunner; or, for SSH,
/// rendered as one POSIX-shell string in which every argument is single-quoted when needed.
/// </summary>
public sealed partial class SysbenchCommand
{
    public const int MaxThreads = 4096;

    private SysbenchCommand(string program, IReadOnlyList<string> arguments)
    {
        Program = program;
        Arguments = arguments;
    }

    public string Program { get; }
    public IReadOnlyList<string> Arguments { get; }

    public static SysbenchCommand Cpu(SysbenchSyntax syntax, int maxPrime, int events, int threads, string program = "sysbench")
    {
        RequirePositive(maxPrime, "cpu-max-prime");
        RequirePositive(events, "events");
        RequireThreads(threads);
        var prime = $"--cpu-max-prime={Invariant(maxPrime)}";
        string[] args = syntax switch
        {
            SysbenchSyntax.V1_0 => ["cpu", prime, $"--events={Invariant(events)}", "--time=0", $"--threads={Invariant(threads)}", "run"],
            SysbenchSyntax.V0_4 => ["--test=cpu", prime, $"--max-requests={Invariant(events)}", $"--num-threads={Invariant(threads)}", "run"],
            _ => throw new ArgumentOutOfRangeException(nameof(syntax)),
        };
        return new SysbenchCommand(RequireProgram(program), args);
    }

    /// <summary>Sizes are sysbench size strings: digits with an optional K, M or G suffix ("8K", "1G").</summary>
    public static SysbenchCommand Memory(SysbenchSyntax syntax, string blockSize, string totalSize, int threads, string program = "sysbench")
    {
        RequireSize(blockSize, "memory-block-size");
        RequireSize(totalSize, "memory-total-size");
        RequireThreads(threads);
        var sizes = new[] { $"--memory-block-size={blockSize}", $"--memory-total-size={totalSize}" };
        string[] args = syntax switch
        {
            SysbenchSyntax.V1_0 => ["memory", .. sizes, $"--threads={Invariant(threads)}", "run"],
            SysbenchSyntax.V0_4 => ["--test=memory", .. sizes, $"--num-threads={Invariant(threads)}", "run"],
            _ => throw new ArgumentOutOfRangeException(nameof(syntax)),
        };
        return new SysbenchCommand(RequireProgram(program), args);
    }

    /// <summary>Picks the dialect from a version such as "1.0.20" or "0.4.12" (0.5 still takes --test=).</summary>
    public static SysbenchSyntax SyntaxFor(string version)
    {
        var m = VersionPattern().Match(version ?? "");
        if (!m.Success)
            throw new LabException(LabCodes.ConfigBadValue, $"'{version}' is not a sysbench version.",
                "give a version such as 1.0.20 or 0.4.12.");
        return m.Groups[1].Value == "0" ? SysbenchSyntax.V0_4 : SysbenchSyntax.V1_0;
    }

    /// <summary>The whole command as one string for a remote POSIX shell (e.g. an SSH exec request).</summary>
    public string ToShellString() => ShellJoin([Program, .. Arguments]);

    public static string ShellJoin(IEnumerable<string> words) => string.Join(' ', words.Select(ShellQuote));

    /// <summary>
    /// Single-quotes a word unless it is plainly safe. Inside single quotes the shell interprets
    /// nothing, so the only character to handle is the quote itself: close, emit \', reopen.
    /// </summary>
    public static string ShellQuote(string word)
    {
        ArgumentNullException.ThrowIfNull(word);
        if (word.Contains('\0')) throw new ArgumentException("A shell word cannot contain a NUL character.", nameof(word));
        if (SafeWord().IsMatch(word)) return word;
        return "'" + word.Replace("'", @"'\''") + "'";
    }

    private static void RequirePositive(int value, string option)
    {
        if (value <= 0)
            throw new LabException(LabCodes.ConfigBadValue, $"sysbench --{option} must be a positive whole number, not {Invariant(value)}.",
                $"set {option} to a number greater than 0.");
    }

    private static void RequireThreads(int threads)
    {
        if (threads <= 0 || threads > MaxThreads)
            throw new LabException(LabCodes.ConfigBadValue, $"sysbench thread count must be between 1 and {MaxThreads}, not {Invariant(threads)}.",
                "set threads to the number of guest vCPUs (or fewer).");
    }

    private static void RequireSize(string? size, string option)
    {
        if (size is null || !SizePattern().IsMatch(size) || size.TrimEnd('K', 'M', 'G').All(c => c == '0'))
            throw new LabException(LabCodes.ConfigBadValue, $"sysbench --{option} '{size}' is not a size.",
                $"write {option} as digits with an optional K, M or G suffix, e.g. 8K or 1G.");
    }

    private static string RequireProgram(string program)
    {
        if (string.IsNullOrWhiteSpace(program) || program.Contains('\0'))
            throw new LabException(LabCodes.ConfigBadValue, "The sysbench program path is empty or invalid.",
                "set it to 'sysbench' or an absolute path such as /usr/bin/sysbench.");
        return program;
    }

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);

    // \z, not $: $ would also accept a trailing newline.
    [GeneratedRegex(@"\A[0-9]+[KMG]?\z", RegexOptions.CultureInvariant)]
    private static partial Regex SizePattern();

    // '=' only after a leading '-': a bare first word like A=b would be a shell variable assignment.
    [GeneratedRegex(@"\A(?:[A-Za-z0-9_./:,+@%-]+|-[A-Za-z0-9_./=:,+@%-]*)\z", RegexOptions.CultureInvariant)]
    private static partial Regex SafeWord();

    [GeneratedRegex(@"\A\s*([0-9]+)\.[0-9]+", RegexOptions.CultureInvariant)]
    private static partial Regex VersionPattern();
}
