namespace VirtLab.Guest;

/// <summary>Writes a file under a temporary name in the same folder, then renames it into place.</summary>
public static class AtomicFile
{
    public static void Write(string path, Action<Stream> write, UnixFileMode? mode = null)
    {
        var temp = TempNameFor(path);
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            {
                if (mode is { } m && !OperatingSystem.IsWindows()) File.SetUnixFileMode(temp, m);
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

    public static void WriteAllText(string path, string text, UnixFileMode? mode = null) =>
        Write(path, s => s.Write(System.Text.Encoding.UTF8.GetBytes(text)), mode);

    public static void Copy(string source, string destination, UnixFileMode? mode = null) =>
        Write(destination, s => { using var input = File.OpenRead(source); input.CopyTo(s); }, mode);

    public static string TempNameFor(string path) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
}
