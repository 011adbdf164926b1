namespace VirtLab.Lab;

/// <summary>
/// Finds the process whose life bounds the lab: the build the user started. MSBuild runs tasks in
/// worker nodes and task hosts (command lines with /nodemode:); the nearest ancestor that is not
/// one of those is the `dotnet build` (or IDE) process. A worker node reused from an earlier build
/// (node reuse on) has been re-parented and lives on after the build: for it, the build is the
/// process connected to its pipe (<see cref="MsBuildPipe"/>), never the node itself.
/// </summary>
public static class OwnerProcess
{
    private static readonly Lazy<int> CurrentOwner = new(() => Find());

    /// <summary>This process's owner, found once (a task host lives for one task).</summary>
    public static int Current => CurrentOwner.Value;

    public static int Find() => Find(Environment.ProcessId, MsBuildPipe.ClientOf);

    public static int Find(int startPid, Func<int, int?> pipeClientOf)
    {
        var pid = startPid;
        for (var depth = 0; depth < 64 && pid > 1; depth++)
        {
            var commandLine = CommandLine(pid);
            if (commandLine is null) break;
            var isNode = commandLine.Contains("nodemode", StringComparison.OrdinalIgnoreCase);
            if (!isNode && pid != startPid) return pid;
            int? next = isNode && IsWorkerNode(commandLine) ? pipeClientOf(pid) ?? ParentOf(pid) : ParentOf(pid);
            if (next is null or <= 1) break;
            pid = next.Value;
        }
        return ParentOf(startPid) ?? startPid;
    }

    /// <summary>/nodemode:1 — a worker node, which node reuse keeps alive between builds (task hosts are /nodemode:2).</summary>
    private static bool IsWorkerNode(string commandLine) =>
        commandLine.Contains("nodemode:1", StringComparison.OrdinalIgnoreCase) || commandLine.Contains("nodemode 1", StringComparison.OrdinalIgnoreCase);

    public static bool IsAlive(int pid) => Directory.Exists($"/proc/{pid}");

    public static string? CommandLine(int pid) => Arguments(pid) is { } args ? string.Join(' ', args).Trim() : null;

    /// <summary>The process's argv, as /proc/&lt;pid&gt;/cmdline holds it (null when it is gone).</summary>
    public static string[]? Arguments(int pid)
    {
        try { return File.ReadAllText($"/proc/{pid}/cmdline").Split('\0', StringSplitOptions.RemoveEmptyEntries); }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }

    public static int? ParentOf(int pid)
    {
        try
        {
            // /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may contain spaces and ')'.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return int.Parse(fields[1]);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }
}
