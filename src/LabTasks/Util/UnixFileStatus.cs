using System.Runtime.InteropServices;
using System.Text;

namespace VirtLab.Util;

/// <summary>
/// The type and size of a path without opening it (.NET reports a FIFO, a device and a socket all
/// as a normal file, and opening a FIFO blocks until something writes to it), and the path's real
/// location with every link resolved.
/// </summary>
public sealed record UnixFileStatus(UnixFileType Type, long Size)
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxType = 0x1, StatxSize = 0x200;
    private const int StatxModeOffset = 28; // struct statx: u32 mask, u32 blksize, u64 attributes, u32 nlink, u32 uid, u32 gid, u16 mode
    private const int StatxSizeOffset = 40; // … u16 pad, u64 ino, u64 size
    private const int StatxBufferSize = 256;
    private const int Enoent = 2, Enotdir = 20;

    /// <summary>The entry itself (a link is reported as a link), or what it finally leads to when <paramref name="followLinks"/>.</summary>
    public static unsafe UnixFileStatus Of(string path, bool followLinks)
    {
        var buffer = stackalloc byte[StatxBufferSize];
        fixed (byte* p = NullTerminated(path))
        {
            if (Native.statx(AtFdCwd, p, followLinks ? 0 : AtSymlinkNoFollow, StatxType | StatxSize, buffer) != 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                if (errno is Enoent or Enotdir) return new UnixFileStatus(UnixFileType.Missing, 0);
                throw new IOException($"statx {path}: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})");
            }
        }
        var mode = *(ushort*)(buffer + StatxModeOffset);
        var size = *(long*)(buffer + StatxSizeOffset);
        return new UnixFileStatus(TypeOf(mode), size);
    }

    /// <summary>The absolute path with every link and '..' resolved, or null when the path does not lead to anything.</summary>
    public static unsafe string? RealPath(string path)
    {
        fixed (byte* p = NullTerminated(path))
        {
            var resolved = Native.realpath(p, 0);
            if (resolved == 0) return null;
            try { return Marshal.PtrToStringUTF8(resolved); }
            finally { Native.free(resolved); }
        }
    }

    private static UnixFileType TypeOf(ushort mode) => (mode & 0xF000) switch
    {
        0x8000 => UnixFileType.Regular,
        0x4000 => UnixFileType.Directory,
        0xA000 => UnixFileType.SymbolicLink,
        0x1000 => UnixFileType.Fifo,
        0x2000 => UnixFileType.CharacterDevice,
        0x6000 => UnixFileType.BlockDevice,
        0xC000 => UnixFileType.Socket,
        _ => throw new IOException($"unknown file type in mode 0x{mode:X4}"),
    };

    private static byte[] NullTerminated(string s) => Encoding.UTF8.GetBytes(s + "\0");

    private static unsafe class Native
    {
        [DllImport("libc", SetLastError = true)] public static extern int statx(int dirfd, byte* path, int flags, uint mask, byte* buffer);
        [DllImport("libc", SetLastError = true)] public static extern nint realpath(byte* path, nint resolved);
        [DllImport("libc")] public static extern void free(nint pointer);
    }
}
