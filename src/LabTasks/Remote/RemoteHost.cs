using System.Net.Sockets;
using Renci.SshNet;
using Renci.SshNet.Common;
using VirtLab.Config;
using VirtLab.Ssh;
using VirtLab.Util;

namespace VirtLab.Remote;

/// <summary>
/// A lab.yaml host reached over SSH: key authentication only, its host key checked against the
/// pin before the key is offered, bounded connects and keep-alives. Commands are argument vectors,
/// quoted for the remote shell argument by argument.
/// </summary>
public sealed class RemoteHost : IDisposable
{
    private readonly RemoteHostOptions _options;
    private readonly HostKeyPin _pin;
    private readonly PrivateKeyFile _key;
    private readonly HostConnector _connector;
    private readonly SshClient _ssh;
    private SftpClient? _sftp;

    private RemoteHost(string name, HostConfig config, RemoteHostOptions options, HostKeyPin pin, PrivateKeyFile key, HostConnector connector)
    {
        Name = name;
        Config = config;
        _options = options;
        _pin = pin;
        _key = key;
        _connector = connector;
        _ssh = new SshClient(NewConnectionInfo());
    }

    public string Name { get; }
    public HostConfig Config { get; }

    /// <summary>Connects to the host lab.yaml declares as <paramref name="name"/>; an undeclared name is LAB0002 listing the declared ones.</summary>
    public static RemoteHost Connect(LabConfig lab, string name, RemoteHostOptions? options = null) =>
        Connect(name, HostsValidation.Resolve(lab, name), options);

    public static RemoteHost Connect(string name, HostConfig config, RemoteHostOptions? options = null)
    {
        options ??= new RemoteHostOptions();
        var pin = HostKeyPin.For(name, config);
        PrivateKeyFile key;
        try { key = new PrivateKeyFile(config.IdentityFile); }
        catch (Exception e) when (e is SshException or IOException or UnauthorizedAccessException or InvalidOperationException or ArgumentException)
        {
            throw RemoteHostErrors.UnusableKey(name, config, e);
        }
        HostConnector? connector = null;
        RemoteHost? host = null;
        try
        {
            connector = HostConnector.Open(config.Address, config.Port, options);
            host = new RemoteHost(name, config, options, pin, key, connector);
            host.Open(host._ssh);
            return host;
        }
        catch
        {
            if (host is not null) host.Dispose();
            else
            {
                connector?.Dispose();
                key.Dispose();
            }
            throw;
        }
    }

    /// <summary>Runs <paramref name="argv"/> on the host and returns its exit code and output; a non-zero exit is not an error here.</summary>
    public CommandResult Run(IReadOnlyList<string> argv, TimeSpan? timeout = null)
    {
        var text = PosixShell.Join(argv);
        var bound = timeout ?? _options.CommandTimeout;
        SshCommand command;
        try
        {
            command = _ssh.CreateCommand(text);
        }
        catch (Exception e) when (e is SshException or ObjectDisposedException)
        {
            throw RemoteHostErrors.Failed(Name, Config, $"running '{argv[0]}' failed (the connection is closed)", e);
        }
        using var _ = command;
        command.CommandTimeout = bound;
        try
        {
            command.Execute();
        }
        catch (SshOperationTimeoutException e)
        {
            throw RemoteHostErrors.Failed(Name, Config, $"'{argv[0]}' did not finish within {bound.TotalSeconds:0.#} s", e);
        }
        catch (Exception e) when (e is SshException or SocketException or IOException or ObjectDisposedException)
        {
            throw RemoteHostErrors.Failed(Name, Config, $"running '{argv[0]}' failed", e);
        }
        return new CommandResult(command.ExitStatus ?? -1, command.Result, command.Error);
    }

    /// <summary>
    /// Starts <paramref name="argv"/> on the host without waiting for it (a long-running helper or
    /// the watchdog); its output streams are read while it runs. It runs until it exits, or the
    /// command is disposed or the connection ends.
    /// </summary>
    public (SshCommand Command, IAsyncResult Running) Start(IReadOnlyList<string> argv)
    {
        SshCommand? command = null;
        try
        {
            command = _ssh.CreateCommand(PosixShell.Join(argv));
            command.CommandTimeout = Timeout.InfiniteTimeSpan;
            return (command, command.BeginExecute());
        }
        catch (Exception e) when (e is SshException or SocketException or IOException or ObjectDisposedException)
        {
            command?.Dispose();
            throw RemoteHostErrors.Failed(Name, Config, $"starting '{argv[0]}' failed", e);
        }
    }

    /// <summary>
    /// Forwards 127.0.0.1:&lt;a free port&gt; here to <paramref name="target"/>:<paramref name="port"/> as the
    /// host sees it (a direct-tcpip channel of this session): a QEMU's QMP port, a guest's SSH.
    /// </summary>
    public HostForward Forward(string target, int port)
    {
        var forward = new ForwardedPortLocal("127.0.0.1", 0, target, (uint)port);
        try
        {
            _ssh.AddForwardedPort(forward);
            forward.Start();
        }
        catch (Exception e) when (e is SshException or SocketException or IOException or ObjectDisposedException or InvalidOperationException)
        {
            RemoveForward(forward);
            throw RemoteHostErrors.Failed(Name, Config, $"forwarding a local port to {target}:{port} failed", e);
        }
        return new HostForward(this, forward);
    }

    internal void RemoveForward(ForwardedPortLocal forward)
    {
        try { if (forward.IsStarted) forward.Stop(); } catch (Exception) { }
        try { _ssh.RemoveForwardedPort(forward); } catch (Exception) { }
        forward.Dispose();
    }

    /// <summary>VirtLab builds bridges and starts QEMU on a host: the login must be root (id -u is 0), else LAB0011.</summary>
    public void CheckRoot()
    {
        var id = Run(["id", "-u"]);
        if (id.ExitCode != 0 || id.StandardOutput.Trim() != "0")
            throw new LabException(LabCodes.NotRoot,
                $"User '{Config.User}' on host {RemoteHostErrors.Where(Name, Config)} is not root (id -u printed '{id.StandardOutput.Trim()}'{(id.ExitCode == 0 ? "" : $", exit {id.ExitCode}")}); VirtLab needs root there for bridges, taps and QEMU.",
                $"set hosts.{Name}.user to root and put the key's public half in root's authorized_keys on that host (PermitRootLogin prohibit-password allows keys only).");
    }

    /// <summary>Each program must be found by `command -v` on the host, else LAB0010 naming the host and every missing one.</summary>
    public void CheckTools(IEnumerable<string> programs)
    {
        var list = programs.ToList();
        if (list.Count == 0) return;
        // The script is constant; the names arrive as its positional parameters.
        var result = Run(["sh", "-c", "for t do command -v \"$t\" >/dev/null 2>&1 || printf '%s\\n' \"$t\"; done", "sh", .. list]);
        if (result.ExitCode != 0)
            throw RemoteHostErrors.Failed(Name, Config, "checking its tools failed", new IOException(result.StandardError));
        var missing = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (missing.Length > 0)
            throw new LabException(LabCodes.MissingTool,
                $"Host {RemoteHostErrors.Where(Name, Config)} lacks {string.Join(", ", missing)}.",
                $"install them there (packages: {string.Join(" ", missing.Select(ToolRegistry.PackageFor).Distinct())}), e.g. run ./install-deps.sh from a VirtLab clone on that host as root.");
    }

    /// <summary>Puts <paramref name="localFile"/> into the host's content-addressed cache (skipped when it holds that content already).</summary>
    public UploadResult Upload(string localFile) => new RemoteImageCache(this).Upload(localFile);

    /// <summary>Copies a file of the host to <paramref name="localFile"/> (SFTP; written under another name and renamed, so a partial copy never has the final name).</summary>
    public void Download(string remoteFile, string localFile)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(localFile))!);
        var partial = localFile + ".partial";
        try
        {
            using (var target = File.Create(partial))
                Sftp.DownloadFile(remoteFile, target);
            File.Move(partial, localFile, overwrite: true);
        }
        catch (Exception e) when (e is SshException or IOException)
        {
            File.Delete(partial);
            throw RemoteHostErrors.Failed(Name, Config, $"downloading {remoteFile} failed", e);
        }
    }

    /// <summary>The SFTP session, opened on first use: a second SSH connection with the same pin and key.</summary>
    internal SftpClient Sftp
    {
        get
        {
            if (_sftp is { IsConnected: true }) return _sftp;
            _sftp?.Dispose();
            _sftp = new SftpClient(NewConnectionInfo()) { OperationTimeout = _options.CommandTimeout };
            Open(_sftp);
            return _sftp;
        }
    }

    private ConnectionInfo NewConnectionInfo() =>
        new(_connector.Host, _connector.Port, Config.User, new PrivateKeyAuthenticationMethod(Config.User, _key))
        {
            Timeout = _options.ConnectTimeout,
        };

    private void Open(BaseClient client)
    {
        LabException? mismatch = null;
        client.HostKeyReceived += (_, e) =>
        {
            e.CanTrust = _pin.Accepts(e.HostKey);
            if (!e.CanTrust) mismatch = RemoteHostErrors.KeyMismatch(Name, Config, _pin, e.HostKeyName, SshFingerprint.Sha256(e.HostKey));
        };
        try
        {
            client.Connect();
            client.KeepAliveInterval = _options.KeepAliveInterval;
        }
        catch (SshAuthenticationException e) when (mismatch is null)
        {
            throw RemoteHostErrors.AuthenticationRefused(Name, Config, e);
        }
        catch (Exception e) when (e is SshException or SocketException or IOException or TimeoutException or ObjectDisposedException)
        {
            if (mismatch is not null) throw mismatch;
            throw RemoteHostErrors.Unreachable(Name, Config, _connector.FailureReason ?? e.Message, e);
        }
    }

    public void Dispose()
    {
        Close(_sftp);
        Close(_ssh);
        _connector.Dispose();
        _key.Dispose();
    }

    private static void Close(BaseClient? client)
    {
        if (client is null) return;
        try { client.Disconnect(); } catch (Exception) { }
        client.Dispose();
    }
}
