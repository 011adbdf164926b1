using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using VirtLab.Util;

namespace VirtLab.Lab;

/// <summary>
/// One measurement at a time per host: an exclusive flock(2) on &lt;root&gt;/host.lock. The lock is held
/// by a tiny shell process (in its own session) whose life is the build's: it lets go when the
/// token file is removed (release) or when the owning build process is gone — success, error,
/// Ctrl+C or kill -9 alike. Not by a file descriptor in the task's process: a task host ends with
/// its task, and a reused MSBuild node outlives the build. Who holds it is in host-lock.json, so a
/// waiting build can say whom it waits for.
/// </summary>
public sealed class HostLock(string root = LabState.DefaultRoot)
{
    private const string Script = """
        exec </dev/null >/dev/null 2>&1
        owner=$1; lock=$2; token=$3
        exec 9>>"$lock" || exit 1
        flock -x 9 || exit 1
        echo $$ > "$token.tmp" && mv -f "$token.tmp" "$token" || exit 1
        while kill -0 "$owner" 2>/dev/null && [ -e "$token" ]; do sleep 0.5; done
        rm -f "$token"
        """;

    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);
    /// <summary>A lock obtained within this long was free: nothing is said about waiting.</summary>
    private static readonly TimeSpan QuietWait = TimeSpan.FromSeconds(1);

    public string LockFile => Path.Combine(root, "host.lock");
    public string HolderFile => Path.Combine(root, "host-lock.json");
    public string TokenDirectory => Path.Combine(root, "host-lock.d");

    /// <summary>The holder as it recorded itself, or null (free, or the record is unreadable).</summary>
    public HostLockHolder? Holder()
    {
        try { return JsonSerializer.Deserialize<HostLockHolder>(File.ReadAllText(HolderFile)); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException) { return null; }
    }

    /// <summary>Whether the recorded holder still holds the lock (its token exists and its build runs).</summary>
    public bool IsHeld(HostLockHolder holder) => File.Exists(holder.Token) && OwnerProcess.IsAlive(holder.Pid);

    /// <summary>
    /// Waits for the lock up to <paramref name="timeout"/>, telling <paramref name="report"/> who holds
    /// it every <paramref name="reportEvery"/>; returns the token that releases it. A build that already
    /// holds it gets its token again. LAB0012 when the bound passes.
    /// </summary>
    public string Acquire(int owner, string experiment, string profile, TimeSpan timeout, TimeSpan reportEvery, Action<string> report,
        CancellationToken cancel = default)
    {
        if (Holder() is { } current && current.Pid == owner && IsHeld(current)) return current.Token;

        Directory.CreateDirectory(TokenDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var token = Path.Combine(TokenDirectory, $"{owner.ToString(CultureInfo.InvariantCulture)}-{Guid.NewGuid():N}.held");
        using var holder = StartHolder(owner, token);
        var clock = Stopwatch.StartNew();
        var nextReport = QuietWait;
        while (!File.Exists(token))
        {
            if (holder.HasExited)
                throw new LabException(LabCodes.HostBusy, $"The host lock {LockFile} could not be taken: its holder process exited with {holder.ExitCode}.",
                    $"check that {root} is writable and that flock (util-linux) is installed.", LockFile);
            if (cancel.IsCancellationRequested || clock.Elapsed >= timeout)
            {
                holder.Kill(entireProcessTree: true);
                holder.WaitForExit(5000);
                File.Delete(token);
                cancel.ThrowIfCancellationRequested();
                throw new LabException(LabCodes.HostBusy,
                    $"Another VirtLab build is measuring on this host: {DescribeHolder()}; waited {timeout.TotalSeconds.ToString("0", CultureInfo.InvariantCulture)} s.",
                    "wait for that build to finish or stop it, or wait longer with -p:VirtLabLockTimeoutSeconds=<seconds>.", LockFile);
            }
            if (clock.Elapsed >= nextReport)
            {
                report($"VirtLab: waiting for the host lock (one measurement at a time per host): {DescribeHolder()}.");
                nextReport = clock.Elapsed + reportEvery;
            }
            Thread.Sleep(Poll);
        }
        AtomicFile.WriteAllText(HolderFile, JsonSerializer.Serialize(new HostLockHolder(owner, experiment, profile, DateTimeOffset.UtcNow, token)));
        return token;
    }

    /// <summary>Lets go of the lock <paramref name="token"/> stands for; its holder process exits within half a second.</summary>
    public void Release(string token)
    {
        var full = Path.GetFullPath(token);
        if (Path.GetDirectoryName(full) != Path.GetFullPath(TokenDirectory) || !full.EndsWith(".held", StringComparison.Ordinal))
            throw new LabException(LabCodes.HostBusy, $"'{token}' is not a host lock token.", $"pass the Token AcquireHostLock returned (a file in {TokenDirectory}).");
        if (Holder() is { } holder && holder.Token == full) File.Delete(HolderFile);
        File.Delete(full);
    }

    private string DescribeHolder() => Holder() is { } holder && IsHeld(holder)
        ? holder.Describe()
        : "a build that has just ended or not yet said who it is";

    private Process StartHolder(int owner, string token)
    {
        var psi = new ProcessStartInfo("setsid") { UseShellExecute = false };
        foreach (var a in new[] { "/bin/sh", "-c", Script, "virtlab-host-lock", owner.ToString(CultureInfo.InvariantCulture), LockFile, token })
            psi.ArgumentList.Add(a);
        return Process.Start(psi) ?? throw new LabException(LabCodes.MissingTool, "Cannot start the host lock's holder.", ToolRegistry.InstallHint("setsid"));
    }
}
