using System.Diagnostics;
using System.Globalization;
using VirtLab.Lab;
using VirtLab.Ssh;
using VirtLab.Util;

namespace VirtLab.Qemu;

/// <summary>
/// Starts QEMU daemonized inside the lab namespace, waits until the guest answers SSH, and stops it
/// (QMP quit, then a kill if it does not go).
/// </summary>
public sealed class GuestLauncher(LabState lab, string privateKeyFile, string pinnedHostKeyFile)
{
    public const string ReadyMarker = "VIRTLAB-READY";

    public string PrivateKeyFile => privateKeyFile;
    public string PinnedHostKeyFile => pinnedHostKeyFile;

    public BootOutcome Boot(GuestSpec guest, TimeSpan deadline, CancellationToken cancel)
    {
        var stopwatch = Stopwatch.StartNew();
        var start = StartQemu(guest, cancel);
        if (!start.Succeeded)
            return new BootOutcome(false, stopwatch.Elapsed.TotalSeconds,
                $"QEMU did not start (exit {start.ExitCode}): {ProcessRunner.Tail(start.StandardError, 400)}", "");

        while (stopwatch.Elapsed < deadline)
        {
            cancel.ThrowIfCancellationRequested();
            if (!IsRunning(guest.Name))
                return new BootOutcome(false, stopwatch.Elapsed.TotalSeconds, "QEMU exited during boot (kernel panic or QEMU error).", SerialTail(guest.SerialLog));
            if (File.ReadAllText(guest.SerialLog).Contains(ReadyMarker, StringComparison.Ordinal) && TrySsh(guest))
                return new BootOutcome(true, stopwatch.Elapsed.TotalSeconds, "SSH answered.", SerialTail(guest.SerialLog));
            Thread.Sleep(200);
        }
        return new BootOutcome(false, stopwatch.Elapsed.TotalSeconds,
            $"the guest did not answer SSH within {deadline.TotalSeconds:0} s.", SerialTail(guest.SerialLog));
    }

    /// <summary>
    /// Starts a live-migration destination (a spec with Incoming set): returns once its QMP
    /// socket answers and QEMU reports "inmigrate".
    /// </summary>
    public void StartIncoming(GuestSpec guest, TimeSpan deadline, CancellationToken cancel)
    {
        if (guest.Incoming is null) throw new ArgumentException("the spec has no Incoming address", nameof(guest));
        var start = StartQemu(guest, cancel);
        if (!start.Succeeded)
            throw new LabException(LabCodes.GuestBoot, $"The migration destination '{guest.Name}' did not start (exit {start.ExitCode}): {ProcessRunner.Tail(start.StandardError, 400)}",
                "check the QEMU command line in the build log (-v:d).");
        using var qmp = QmpClient.Connect(lab.QmpSocket(guest.Name), deadline);
        var status = qmp.QueryStatus();
        if (status != "inmigrate")
            throw new LabException(LabCodes.Qmp, $"The migration destination '{guest.Name}' reports '{status}', not 'inmigrate'.", "stop it and start it again with -incoming.");
    }

    /// <summary>Starts QEMU daemonized in the lab's namespace with a fresh pidfile, QMP socket and serial log.</summary>
    private ProcessResult StartQemu(GuestSpec guest, CancellationToken cancel)
    {
        LabState.ValidGuest(guest.Name);
        var pidFile = lab.PidFile(guest.Name);
        var qmpSocket = lab.QmpSocket(guest.Name);
        File.Delete(pidFile);
        File.Delete(qmpSocket);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(guest.SerialLog))!);
        File.WriteAllText(guest.SerialLog, "");
        var (program, arguments) = guest.Binary.Command(QemuCommandLine.Build(guest, pidFile, qmpSocket));
        return new LabCommand(lab.NetworkNamespace).Run(program, arguments, TimeSpan.FromSeconds(60), cancel);
    }

    private bool TrySsh(GuestSpec guest)
    {
        try
        {
            using var ssh = GuestSsh.Connect(lab.NetworkNamespace, guest.Address, privateKeyFile, pinnedHostKeyFile, TimeSpan.FromSeconds(5));
            return ssh.Run("true", TimeSpan.FromSeconds(10)).ExitCode == 0;
        }
        catch (LabException e) when (e.Code == LabCodes.HostKeyMismatch) { throw; }
        catch (Exception) { return false; }
    }

    public int? Pid(string guestName)
    {
        string text;
        // QEMU removes its pidfile when it exits, which a migrated-away source does on its own: the
        // file can vanish between any check and the read.
        try { text = File.ReadAllText(lab.PidFile(guestName)); }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException) { return null; }
        return int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : null;
    }

    public bool IsRunning(string guestName) =>
        Pid(guestName) is { } pid && (OwnerProcess.CommandLine(pid) ?? "").Contains("qemu", StringComparison.Ordinal);

    public void Stop(string guestName)
    {
        if (Pid(guestName) is not { } pid || !IsRunning(guestName))
        {
            File.Delete(lab.PidFile(guestName));
            return;
        }
        try
        {
            using var qmp = QmpClient.Connect(lab.QmpSocket(guestName), TimeSpan.FromSeconds(5));
            qmp.Quit();
        }
        catch (Exception) { /* a wedged QEMU is killed below */ }
        using (var process = TryGetProcess(pid))
        {
            if (process is not null && !process.WaitForExit(10_000))
            {
                process.Kill();
                process.WaitForExit(5_000);
            }
        }
        File.Delete(lab.PidFile(guestName));
        File.Delete(lab.QmpSocket(guestName));
    }

    private static Process? TryGetProcess(int pid)
    {
        try { return Process.GetProcessById(pid); }
        catch (ArgumentException) { return null; }
    }

    public static string SerialTail(string serialLog, int lines = 8) =>
        File.Exists(serialLog) ? ConsoleTail(File.ReadAllText(serialLog), lines) : "";

    /// <summary>The last non-blank lines of a guest's console text (a local serial log's, or one read from a remote host).</summary>
    public static string ConsoleTail(string console, int lines = 8) =>
        string.Join('\n', console.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Trim().Length > 0).TakeLast(lines));
}
