using Renci.SshNet;
using VirtLab.Migration;

namespace VirtLab.Remote;

/// <summary>
/// A helper running on a remote host (ping, iperf3, tcpdump) as one SSH command: its output lines
/// are stamped when they arrive here, its pid is in a file of the host's run folder (for signals:
/// SIGINT lets it print its summary), and it carries the run folder's mark, so the host's watchdog
/// or the next build ends it if this build cannot.
/// </summary>
public sealed class RemoteProcess : TimedOutput, IHostProcess
{
    private readonly RemoteHost _host;
    private readonly SshCommand _command;
    private readonly IAsyncResult _running;
    private readonly string _pidFile;
    private bool _disposed;

    private RemoteProcess(RemoteHost host, SshCommand command, IAsyncResult running, string pidFile)
    {
        _host = host;
        _command = command;
        _running = running;
        _pidFile = pidFile;
        Read(new StreamReader(command.OutputStream), new StreamReader(command.ExtendedOutputStream));
    }

    /// <param name="mark">The environment entry every process of the run carries (VIRTLAB_RUN=&lt;folder&gt;).</param>
    internal static RemoteProcess Start(RemoteHost host, string mark, string pidFile, string program, IReadOnlyList<string> arguments)
    {
        // The wrapper writes its pid and becomes the program (exec), so the pid file names the program itself.
        var (command, running) = host.Start(["env", mark, "sh", "-c", "echo $$ > \"$1\"; shift; exec \"$@\"", "sh", pidFile, program, .. arguments]);
        return new RemoteProcess(host, command, running, pidFile);
    }

    public override bool HasExited => _running.IsCompleted;
    public int? ExitCode => _running.IsCompleted ? _command.ExitStatus : null;
    public void Stop(string signal = "INT", TimeSpan? grace = null)
    {
        if (!HasExited)
        {
            Signal(signal);
            if (!_running.AsyncWaitHandle.WaitOne(grace ?? TimeSpan.FromSeconds(5)))
            {
                Signal("KILL");
                _running.AsyncWaitHandle.WaitOne(TimeSpan.FromSeconds(5));
            }
        }
        if (HasExited) JoinReaders();
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        try { Stop("KILL", TimeSpan.FromSeconds(5)); } catch (Util.LabException) { }
        if (HasExited)
        {
            try { _command.EndExecute(_running); } catch (Exception) { }
        }
        _command.Dispose();
    }

    private void Signal(string signal)
    {
        // The signal name and the pid file are VirtLab's own; both arrive as positional parameters.
        _host.Run(["sh", "-c", "p=$(cat \"$2\" 2>/dev/null) && [ -n \"$p\" ] && kill -\"$1\" \"$p\" 2>/dev/null; exit 0", "sh", signal, _pidFile], TimeSpan.FromSeconds(10));
    }
}
