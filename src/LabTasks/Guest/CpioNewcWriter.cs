using System.Text;

namespace VirtLab.Guest;

/// <summary>
/// Writes a cpio archive in the "newc" (SVR4, no CRC) format the kernel unpacks as an initramfs.
/// Names are stored relative ("bin/busybox"); parent directories must be added before their
/// children (the kernel does not create them). All entries are owned by root with a fixed mtime so
/// the same content gives the same bytes.
/// </summary>
public sealed class CpioNewcWriter : IDisposable
{
    private const uint TypeDirectory = 0x4000;
    private const uint TypeFile = 0x8000;
    private const uint TypeSymlink = 0xA000;
    private const uint TypeCharDevice = 0x2000;

    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly uint _mtime;
    private uint _nextInode = 1;
    private bool _finished;

    public CpioNewcWriter(Stream stream, bool leaveOpen = false, uint mtime = 0)
    {
        _stream = stream;
        _leaveOpen = leaveOpen;
        _mtime = mtime;
    }

    public const UnixFileMode Mode755 = (UnixFileMode)0x1ED;
    public const UnixFileMode Mode644 = (UnixFileMode)0x1A4;
    public const UnixFileMode Mode600 = (UnixFileMode)0x180;
    public const UnixFileMode Mode700 = (UnixFileMode)0x1C0;

    public void AddDirectory(string path, UnixFileMode mode = Mode755) =>
        WriteEntry(path, TypeDirectory | (uint)mode, nlink: 2, ReadOnlySpan<byte>.Empty);

    public void AddFile(string path, ReadOnlySpan<byte> content, UnixFileMode mode = Mode644) =>
        WriteEntry(path, TypeFile | (uint)mode, nlink: 1, content);

    public void AddSymlink(string path, string target) =>
        WriteEntry(path, TypeSymlink | 0x1FF, nlink: 1, Encoding.UTF8.GetBytes(target));

    public void AddCharDevice(string path, UnixFileMode mode, uint major, uint minor) =>
        WriteEntry(path, TypeCharDevice | (uint)mode, nlink: 1, ReadOnlySpan<byte>.Empty, major, minor);

    /// <summary>Writes the TRAILER!!! entry; the archive is complete afterwards.</summary>
    public void Finish()
    {
        if (_finished) return;
        WriteHeaderAndName("TRAILER!!!", ino: 0, mode: 0, nlink: 1, size: 0, 0, 0);
        _finished = true;
        _stream.Flush();
    }

    public void Dispose()
    {
        Finish();
        if (!_leaveOpen) _stream.Dispose();
    }

    public static string NormalizeName(string path)
    {
        var name = path.Replace('\\', '/').TrimStart('/');
        if (name.Length == 0 || name.Split('/').Any(p => p is "" or "." or ".."))
            throw new ArgumentException($"Invalid archive path '{path}'.", nameof(path));
        return name;
    }

    private void WriteEntry(string path, uint mode, uint nlink, ReadOnlySpan<byte> content, uint rdevMajor = 0, uint rdevMinor = 0)
    {
        if (_finished) throw new InvalidOperationException("The archive is already finished.");
        WriteHeaderAndName(NormalizeName(path), _nextInode++, mode, nlink, (uint)content.Length, rdevMajor, rdevMinor);
        _stream.Write(content);
        Pad(content.Length);
    }

    private void WriteHeaderAndName(string name, uint ino, uint mode, uint nlink, uint size, uint rdevMajor, uint rdevMinor)
    {
        var nameBytes = Encoding.UTF8.GetBytes(name);
        var header = new StringBuilder("070701", 110);
        foreach (var field in new[] { ino, mode, 0u, 0u, nlink, _mtime, size, 0u, 0u, rdevMajor, rdevMinor, (uint)nameBytes.Length + 1, 0u })
            header.Append(field.ToString("X8"));
        _stream.Write(Encoding.ASCII.GetBytes(header.ToString()));
        _stream.Write(nameBytes);
        _stream.WriteByte(0);
        Pad(110 + nameBytes.Length + 1);
    }

    private void Pad(int length)
    {
        var padding = (4 - length % 4) % 4;
        for (var i = 0; i < padding; i++) _stream.WriteByte(0);
    }
}
