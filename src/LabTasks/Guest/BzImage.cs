using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using VirtLab.Util;

namespace VirtLab.Guest;

/// <summary>Reads an x86 bzImage's setup header (boot protocol ≥ 2.08): the version string and the compressed kernel inside.</summary>
public static class BzImage
{
    /// <summary>"6.1.0-56-amd64" for a Debian kernel, or null when the file is not a bzImage.</summary>
    public static string? ReadVersion(string path)
    {
        using var file = File.OpenRead(path);
        var header = ReadHeader(file);
        if (header is null) return null;
        var offset = BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(0x20E));
        if (offset == 0) return null;
        file.Position = offset + 0x200;
        var text = new byte[256];
        var read = file.ReadAtLeast(text, text.Length, throwOnEndOfStream: false);
        var end = Array.IndexOf(text, (byte)0, 0, read);
        var full = Encoding.ASCII.GetString(text, 0, end < 0 ? read : end);
        var space = full.IndexOf(' ');
        var version = space < 0 ? full : full[..space];
        return version.Length == 0 ? null : version;
    }

    /// <summary>
    /// Writes the uncompressed kernel (vmlinux, an ELF) to <paramref name="destination"/> when it has
    /// a PVH entry point, so QEMU can boot it directly with -kernel. Under TCG that skips ~2.5 s of
    /// in-guest decompression. Returns false (and writes nothing) when the kernel cannot be booted that way.
    /// </summary>
    public static bool TryExtractPvhKernel(string bzImage, string destination, CancellationToken cancellationToken = default)
    {
        var payload = ReadPayload(bzImage);
        if (payload is null) return false;
        var temp = Directory.CreateTempSubdirectory("virtlab-vmlinux-");
        try
        {
            var vmlinux = Decompress(payload, temp.FullName, cancellationToken);
            if (vmlinux is null || !HasPvhEntry(vmlinux)) return false;
            AtomicFile.Copy(vmlinux, destination, GuestKeys.PublicFile);
            return true;
        }
        finally
        {
            temp.Delete(recursive: true);
        }
    }

    /// <summary>The compressed kernel (payload_offset/payload_length), or null for an older or non-bzImage file.</summary>
    public static byte[]? ReadPayload(string path)
    {
        using var file = File.OpenRead(path);
        var header = ReadHeader(file);
        if (header is null || BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(0x206)) < 0x208) return null;
        var setupSectors = header[0x1F1] == 0 ? 4 : header[0x1F1];
        var offset = (setupSectors + 1) * 512L + BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(0x248));
        var length = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(0x24C));
        if (length == 0 || offset + length > file.Length) return null;
        var payload = new byte[length];
        file.Position = offset;
        file.ReadExactly(payload);
        return payload;
    }

    /// <summary>Whether an ELF file carries the Xen PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY) QEMU needs to boot it.</summary>
    public static bool HasPvhEntry(string elfPath)
    {
        const uint PtNote = 4, XenElfNotePhys32Entry = 18;
        using var file = File.OpenRead(elfPath);
        var ehdr = new byte[64];
        if (file.ReadAtLeast(ehdr, 64, throwOnEndOfStream: false) < 64
            || !ehdr.AsSpan(0, 4).SequenceEqual("\u007fELF"u8) || ehdr[4] != 2 /* 64-bit */ || ehdr[5] != 1 /* little-endian */)
            return false;
        var phoff = (long)BinaryPrimitives.ReadUInt64LittleEndian(ehdr.AsSpan(0x20));
        var phentsize = BinaryPrimitives.ReadUInt16LittleEndian(ehdr.AsSpan(0x36));
        var phnum = BinaryPrimitives.ReadUInt16LittleEndian(ehdr.AsSpan(0x38));
        var phdr = new byte[Math.Max((int)phentsize, 56)];
        for (var i = 0; i < phnum; i++)
        {
            file.Position = phoff + (long)i * phentsize;
            file.ReadExactly(phdr, 0, phentsize);
            if (BinaryPrimitives.ReadUInt32LittleEndian(phdr) != PtNote) continue;
            var size = (long)BinaryPrimitives.ReadUInt64LittleEndian(phdr.AsSpan(0x20));
            if (size is <= 0 or > 1 << 20) continue;
            var notes = new byte[size];
            file.Position = (long)BinaryPrimitives.ReadUInt64LittleEndian(phdr.AsSpan(8));
            file.ReadExactly(notes);
            for (var at = 0; at + 12 <= notes.Length;)
            {
                var nameSize = (int)BinaryPrimitives.ReadUInt32LittleEndian(notes.AsSpan(at));
                var descSize = (int)BinaryPrimitives.ReadUInt32LittleEndian(notes.AsSpan(at + 4));
                var type = BinaryPrimitives.ReadUInt32LittleEndian(notes.AsSpan(at + 8));
                if (nameSize < 0 || descSize < 0 || at + 12 + nameSize > notes.Length) break;
                if (type == XenElfNotePhys32Entry && notes.AsSpan(at + 12, nameSize).SequenceEqual("Xen\0"u8)) return true;
                at += 12 + Align4(nameSize) + Align4(descSize);
            }
        }
        return false;
    }

    private static int Align4(int n) => (n + 3) & ~3;

    private static byte[]? ReadHeader(FileStream file)
    {
        var header = new byte[0x268];
        if (file.ReadAtLeast(header, header.Length, throwOnEndOfStream: false) < header.Length) return null;
        return Encoding.ASCII.GetString(header, 0x202, 4) == "HdrS" ? header : null;
    }

    /// <summary>Decompresses the payload by its magic. The kernel build appends the size (4 bytes) to xz and zstd payloads.</summary>
    private static string? Decompress(byte[] payload, string directory, CancellationToken cancellationToken)
    {
        var output = Path.Combine(directory, "vmlinux");
        var span = payload.AsSpan();
        if (span.StartsWith((ReadOnlySpan<byte>)[0xFD, (byte)'7', (byte)'z', (byte)'X', (byte)'Z', 0]))
        {
            File.WriteAllBytes(output + ".xz", payload);
            var result = ProcessRunner.Run("xz", ["-d", "-q", "--single-stream", output + ".xz"], TimeSpan.FromMinutes(2), cancellationToken);
            return result.Succeeded ? output : null;
        }
        if (span.StartsWith((ReadOnlySpan<byte>)[0x28, 0xB5, 0x2F, 0xFD]))
        {
            File.WriteAllBytes(output + ".zst", payload[..^4]);
            var result = ProcessRunner.Run("zstd", ["-d", "-q", output + ".zst", "-o", output], TimeSpan.FromMinutes(2), cancellationToken);
            return result.Succeeded ? output : null;
        }
        if (span.StartsWith((ReadOnlySpan<byte>)[0x1F, 0x8B]))
        {
            using var gzip = new GZipStream(new MemoryStream(payload), CompressionMode.Decompress);
            using var file = File.Create(output);
            try
            {
                gzip.CopyTo(file);
            }
            catch (InvalidDataException)
            {
                return null;
            }
            return output;
        }
        return null; // lzma, lz4, lzo, bzip2: let QEMU boot the bzImage instead
    }
}
