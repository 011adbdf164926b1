namespace VirtLab.Lab;

/// <summary>
/// Finds the process whose life bounds the lab: the build the user started. MSBuild runs tasks in
/// worker nodes and task hosts (command lines with /nodemode:); the nearest ancestor that is not
/// one of those is the `dotnet build` (or IDE) process.
/// </summary>
public static class OwnerProcess
{
    public static int Find() => Find(Environment.ProcessId);

    public static int Find(int startPid)
    {
        var pid = startPid;
        for (var depth = 0; depth < 64 && pid > 1; depth++)
        {
            var commandLine = CommandLine(pid);
            if (commandLine is null) break;
            if (!commandLine.Contains("nodemode", StringComparison.OrdinalIgnoreCase) && pid != startPid) return pid;
            var parent = ParentOf(pid);
            if (parent is null or <= 1) break;
            pid = parent.Value;
        }
        return ParentOf(startPid) ?? startPid;
    }

    public static bool IsAlive(int pid) => Directory.Exists($"/proc/{pid}");

    public static string? CommandLine(int pid)
    {
        try { return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ').Trim(); }
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
