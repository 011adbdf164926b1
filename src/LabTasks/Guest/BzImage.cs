using System.Text;

namespace VirtLab.Guest;

/// <summary>Reads the version string from an x86 bzImage's setup header (boot protocol ≥ 2.00).</summary>
public static class BzImage
{
    /// <summary>"6.1.0-56-amd64" for a Debian kernel, or null when the file is not a bzImage.</summary>
    public static string? ReadVersion(string path)
    {
        using var file = File.OpenRead(path);
        var header = new byte[0x210];
        if (file.ReadAtLeast(header, header.Length, throwOnEndOfStream: false) < header.Length) return null;
        if (Encoding.ASCII.GetString(header, 0x202, 4) != "HdrS") return null;
        var offset = BitConverter.ToUInt16(header, 0x20E);
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
}
