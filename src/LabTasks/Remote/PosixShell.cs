namespace VirtLab.Remote;

/// <summary>
/// Turns an argument vector into the command line an SSH server hands to the user's shell: every
/// argument in single quotes ('it'\''s'), so no value is ever read as shell syntax.
/// </summary>
public static class PosixShell
{
    public static string Quote(string argument)
    {
        if (argument.Contains('\0'))
            throw new ArgumentException("An argument cannot hold a NUL character.", nameof(argument));
        return "'" + argument.Replace("'", "'\\''") + "'";
    }

    public static string Join(IReadOnlyList<string> argv)
    {
        if (argv.Count == 0) throw new ArgumentException("The command is empty.", nameof(argv));
        return string.Join(' ', argv.Select(Quote));
    }
}
