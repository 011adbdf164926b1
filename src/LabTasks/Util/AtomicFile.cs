using System.Text;

namespace VirtLab.Util;

/// <summary>
/// Writes a file so that readers see the old content or the whole new content, never a part: a
/// temporary file in the same folder, flushed, then renamed into place.
/// </summary>
public static class AtomicFile
{
    public static void Write(string path, Action<Stream> write, UnixFileMode? mode = null)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var temp = TempNameFor(path);
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            {
                if (mode is { } m) File.SetUnixFileMode(temp, m);
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    public static void WriteAllBytes(string path, byte[] content, UnixFileMode? mode = null) => Write(path, s => s.Write(content), mode);

    public static void WriteAllText(string path, string content, UnixFileMode? mode = null) => WriteAllBytes(path, Encoding.UTF8.GetBytes(content), mode);

    public static void Copy(string source, string destination, UnixFileMode? mode = null) =>
        Write(destination, s => { using var input = File.OpenRead(source); input.CopyTo(s); }, mode);

    /// <summary>Writes only when the content differs, so the file's time stamp means "content changed".</summary>
    public static bool WriteIfDifferent(string path, string content)
    {
        if (File.Exists(path) && File.ReadAllText(path) == content) return false;
        WriteAllText(path, content);
        return true;
    }

    /// <summary>A hidden temporary name beside <paramref name="path"/> (same file system, so the rename is atomic).</summary>
    public static string TempNameFor(string path) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
}
