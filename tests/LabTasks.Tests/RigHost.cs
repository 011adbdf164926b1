using System.Diagnostics;
using System.Text;

namespace VirtLab.Tests;

/// <summary>One machine of a <see cref="TwoHostsRig"/>: its namespace, LAN address, host key and running sshd.</summary>
public sealed class RigHost(string name, string netns, string address, string folder)
{
    private readonly StringBuilder _log = new();

    public string Name { get; } = name;
    public string Namespace { get; } = netns;
    public string Address { get; } = address;
    /// <summary>The host's private files on the operator's side: host key, sshd_config, authorized_keys.</summary>
    public string Folder { get; } = folder;
    public string HostKeyFile => Path.Combine(Folder, "ssh_host_ed25519_key");
    public string HostPublicKeyLine => File.ReadAllText(HostKeyFile + ".pub").Trim();
    public string ConfigFile => Path.Combine(Folder, "sshd_config");
    public Process? Sshd { get; private set; }

    /// <summary>What sshd wrote to stderr (-e), for a failing test's message.</summary>
    public string Log { get { lock (_log) return _log.ToString(); } }

    internal void Started(Process sshd)
    {
        Sshd = sshd;
        sshd.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_log) _log.AppendLine(e.Data); };
        sshd.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_log) _log.AppendLine(e.Data); };
        sshd.BeginErrorReadLine();
        sshd.BeginOutputReadLine();
    }
}
