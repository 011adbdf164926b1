using VirtLab.Guest;

namespace VirtLab.Tests;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class GuestKeysTests
{
    [Fact]
    public void Keys_are_private_and_survive_a_second_run()
    {
        using var temp = new GuestTempDirectory();
        var dir = Path.Combine(temp.Path, "keys");

        var first = GuestKeys.Ensure(dir);
        var client = File.ReadAllText(first.ClientPrivateKey);
        var host = first.HostPublicKey;
        var second = GuestKeys.Ensure(dir);

        Assert.Equal(client, File.ReadAllText(second.ClientPrivateKey));
        Assert.Equal(host, second.HostPublicKey);
        Assert.Equal(GuestKeys.PrivateDirectory, File.GetUnixFileMode(dir));
        Assert.Equal(GuestKeys.PrivateFile, File.GetUnixFileMode(first.ClientPrivateKey));
        Assert.Equal(GuestKeys.PrivateFile, File.GetUnixFileMode(first.HostPrivateKey));
        Assert.StartsWith("-----BEGIN OPENSSH PRIVATE KEY-----", client);
        Assert.Matches(@"^ssh-ed25519 AAAA[A-Za-z0-9+/=]+ virtlab$", second.ClientPublicKeyLine);
        Assert.Matches(@"^ssh-ed25519 AAAA[A-Za-z0-9+/=]+$", host);
        Assert.Empty(Directory.GetFiles(dir, "*.tmp*"));
    }

    [Fact]
    public void A_lost_public_half_is_derived_again_from_the_private_key()
    {
        using var temp = new GuestTempDirectory();
        var keys = GuestKeys.Ensure(temp.Path);
        var host = keys.HostPublicKey;
        var client = keys.ClientPublicKeyLine;
        File.Delete(keys.HostPublicKeyFile);
        File.Delete(keys.ClientPublicKey);

        var again = GuestKeys.Ensure(temp.Path);

        Assert.Equal(host, again.HostPublicKey);
        Assert.Equal(client, again.ClientPublicKeyLine);
    }

    [Fact]
    public void The_dropbear_public_line_is_cut_to_type_and_key()
    {
        const string output = "Public key portion is:\nssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINvFOXDgmDxqwED9JJO0jqAlyaobLY+OElReHIFKgb+P root@vm\n" +
                              "Fingerprint: SHA256:EDzfGMrEMvayFt3LG1wuoZD0KEw5wF87MWEPOvp8h1c\n";
        Assert.Equal("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINvFOXDgmDxqwED9JJO0jqAlyaobLY+OElReHIFKgb+P",
            GuestKeys.ParseDropbearPublicKey(output));
    }
}
