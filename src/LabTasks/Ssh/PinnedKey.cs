using VirtLab.Remote;
using VirtLab.Util;

namespace VirtLab.Ssh;

/// <summary>Reads an OpenSSH public key line ("ssh-ed25519 AAAA… comment") into the key blob SSH.NET compares.</summary>
public static class PinnedKey
{
    public static byte[] Load(string publicKeyFile) =>
        File.ReadLines(publicKeyFile).Select(SshPublicKeyLine.TryParse).FirstOrDefault(k => k is not null)?.Blob
        ?? throw new LabException(LabCodes.HostKeyMismatch, "The pinned guest host key file holds no 'ssh-… AAAA…' line.",
            "build the guest image again; it writes the key it puts in the guest.", publicKeyFile);
}
