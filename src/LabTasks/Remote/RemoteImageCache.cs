using System.Security.Cryptography;
using Renci.SshNet.Common;
using VirtLab.Util;

namespace VirtLab.Remote;

/// <summary>
/// A host's content-addressed file cache, /var/cache/virtlab/images/&lt;sha256&gt;: a file is
/// uploaded (SFTP) under a name of its own, checked with sha256sum there and renamed into place,
/// so the cache never holds a partial or wrong file under a final name; a file already there
/// with that hash is not sent again.
/// </summary>
public sealed class RemoteImageCache(RemoteHost host)
{
    public const string Folder = "/var/cache/virtlab/images";

    public UploadResult Upload(string localFile)
    {
        var sha = FileDigest.Sha256(localFile);
        var final = $"{Folder}/{sha}";
        if (RemoteSha256(final) == sha) return new UploadResult(final, sha, Skipped: true);

        var mkdir = host.Run(["mkdir", "-p", Folder]);
        if (mkdir.ExitCode != 0) throw Failed($"mkdir -p {Folder} failed: {mkdir.StandardError.Trim()}");
        var partial = $"{final}.partial-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}";
        try
        {
            using (var source = File.OpenRead(localFile))
                host.Sftp.UploadFile(source, partial, canOverride: false);
            var arrived = RemoteSha256(partial);
            if (arrived != sha) throw Failed($"{partial} arrived with SHA-256 {arrived ?? "(unreadable)"}, not {sha}");
            host.Sftp.RenameFile(partial, final, isPosix: true);
        }
        catch (Exception e) when (e is SshException or IOException)
        {
            RemoveQuietly(partial);
            throw new LabException(LabCodes.RemoteHost, $"Host '{host.Name}': uploading {localFile} to {final} failed: {LabException.OneLine(e.Message)}",
                "check the free space under /var/cache/virtlab on that host and the connection to it, and build again.", localFile, inner: e);
        }
        catch
        {
            RemoveQuietly(partial);
            throw;
        }
        return new UploadResult(final, sha, Skipped: false);
    }

    private string? RemoteSha256(string path)
    {
        var result = host.Run(["sha256sum", "--", path]);
        var first = result.StandardOutput.Split(' ', 2)[0];
        return result.ExitCode == 0 && first.Length == 64 ? first : null;
    }

    private void RemoveQuietly(string path)
    {
        try { host.Run(["rm", "-f", "--", path]); } catch (LabException) { }
    }

    private LabException Failed(string what) =>
        new(LabCodes.RemoteHost, $"Host '{host.Name}': {what}.", "check the host's disk and the connection to it, and build again.");
}
