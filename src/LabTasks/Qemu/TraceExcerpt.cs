using System.IO.Compression;
using System.Text;

namespace VirtLab.Qemu;

/// <summary>The lines QEMU appended to its trace log since an offset, and a gzip copy of them for raw/.</summary>
public static class TraceExcerpt
{
    public static List<string> ReadFrom(string traceLog, long offset)
    {
        using var stream = new FileStream(traceLog, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        stream.Seek(Math.Min(offset, stream.Length), SeekOrigin.Begin);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var lines = new List<string>();
        while (reader.ReadLine() is { } line) lines.Add(line);
        return lines;
    }

    public static void WriteGzip(string path, IEnumerable<string> lines)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var partial = path + ".partial";
        using (var gzip = new GZipStream(File.Create(partial), CompressionLevel.Fastest))
        using (var writer = new StreamWriter(gzip, new UTF8Encoding(false)))
            foreach (var line in lines) writer.WriteLine(line);
        File.Move(partial, path, overwrite: true);
    }
}
