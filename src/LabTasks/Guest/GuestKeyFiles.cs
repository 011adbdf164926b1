namespace VirtLab.Guest;

public sealed record GuestKeyFiles(
    string Directory,
    string ClientPrivateKey,
    string ClientPublicKey,
    string HostPrivateKey,
    string HostPublicKeyFile)
{
    /// <summary>"ssh-ed25519 AAAA…" — the guest's host key as the client pins it.</summary>
    public string HostPublicKey => File.ReadAllText(HostPublicKeyFile).Trim();

    public string ClientPublicKeyLine => File.ReadAllText(ClientPublicKey).Trim();
}
