using VirtLab.Util;
using System.IO.Compression;

namespace VirtLab.Guest;

/// <summary>
/// The files of an initramfs, keyed by absolute guest path. Parents are created on demand;
/// adding the same path twice with the same content is a no-op (libraries shared by several
/// binaries), with different content an error. Written sorted, so parents precede children and
/// the archive is reproducible.
/// </summary>
public sealed class InitramfsContent
{
    private enum Kind { Directory, File, HostFile, Symlink, CharDevice }

    private sealed record Entry(Kind Kind, UnixFileMode Mode, byte[]? Content = null, string? Source = null, string? Target = null,
        uint Major = 0, uint Minor = 0);

    private readonly SortedDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>Archive names, relative as cpio lists them ("bin/busybox").</summary>
    public IReadOnlyCollection<string> Paths => _entries.Keys;

    public bool Contains(string path) => _entries.ContainsKey(Normalize(path));

    public void AddDirectory(string path, UnixFileMode mode = CpioNewcWriter.Mode755) =>
        Add(path, new Entry(Kind.Directory, mode));

    public void AddFile(string path, byte[] content, UnixFileMode mode = CpioNewcWriter.Mode644) =>
        Add(path, new Entry(Kind.File, mode, Content: content));

    public void AddText(string path, string text, UnixFileMode mode = CpioNewcWriter.Mode644) =>
        AddFile(path, System.Text.Encoding.UTF8.GetBytes(text), mode);

    /// <summary>A host file copied in (symlinks followed), read when the archive is written.</summary>
    public void AddHostFile(string path, string source, UnixFileMode mode = CpioNewcWriter.Mode755) =>
        Add(path, new Entry(Kind.HostFile, mode, Source: Path.GetFullPath(source)));

    public void AddSymlink(string path, string target) => Add(path, new Entry(Kind.Symlink, 0, Target: target));

    public void AddCharDevice(string path, UnixFileMode mode, uint major, uint minor) =>
        Add(path, new Entry(Kind.CharDevice, mode, Major: major, Minor: minor));

    public void WriteCpio(Stream output)
    {
        using var writer = new CpioNewcWriter(output, leaveOpen: true);
        foreach (var (path, e) in _entries)
        {
            switch (e.Kind)
            {
                case Kind.Directory: writer.AddDirectory(path, e.Mode); break;
                case Kind.File: writer.AddFile(path, e.Content, e.Mode); break;
                case Kind.HostFile: writer.AddFile(path, File.ReadAllBytes(e.Source!), e.Mode); break;
                case Kind.Symlink: writer.AddSymlink(path, e.Target!); break;
                case Kind.CharDevice: writer.AddCharDevice(path, e.Mode, e.Major, e.Minor); break;
            }
        }
        writer.Finish();
    }

    /// <summary>
    /// Writes the gzip-compressed archive atomically with <paramref name="mode"/> (set before any byte
    /// is written) and returns its SHA-256 (lowercase hex).
    /// </summary>
    public string WriteGzip(string path, UnixFileMode mode)
    {
        AtomicFile.Write(path, stream =>
        {
            using var gzip = new GZipStream(stream, CompressionLevel.Optimal, leaveOpen: true);
            WriteCpio(gzip);
        }, mode);
        return FileDigest.Sha256(path);
    }

    private void Add(string path, Entry entry)
    {
        var name = Normalize(path);
        var slash = name.LastIndexOf('/');
        if (slash > 0 && !_entries.ContainsKey(name[..slash])) AddDirectory(name[..slash]);
        else if (slash > 0 && _entries[name[..slash]].Kind != Kind.Directory)
            throw new InvalidOperationException($"'{name[..slash]}' is not a directory in the initramfs.");

        if (_entries.TryGetValue(name, out var existing))
        {
            if (existing.Kind == Kind.Directory && entry.Kind == Kind.Directory)
            {
                _entries[name] = entry; // an explicit mode wins over an implied parent
                return;
            }
            if (existing.Kind == entry.Kind && existing.Source == entry.Source && existing.Target == entry.Target
                && existing.Content is null && entry.Content is null)
                return;
            throw new InvalidOperationException($"'{name}' is added twice to the initramfs with different content.");
        }
        _entries[name] = entry;
    }

    private static string Normalize(string path) => CpioNewcWriter.NormalizeName(path);
}
