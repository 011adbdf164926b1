using System.Globalization;
using System.Text;
using System.Text.Unicode;
using VirtLab.Util;

namespace VirtLab.Report;

/// <summary>
/// The files of an import folder that will be read, and reading one. Only regular files inside the
/// folder are read: every entry is checked by type before anything is opened (a FIFO would block the
/// build, /dev/zero or a huge file would fill its memory), and one that fails the check stops the
/// import with LAB0052 naming each such entry. A log is UTF-8 (or UTF-16 with a byte order mark) text.
/// </summary>
public static class LogImportFolder
{
    /// <summary>
    /// The logs under <paramref name="directory"/> (recursively, in path order), skipping hidden
    /// entries, sidecars and notes (<see cref="LogImport.IsLog"/>). Sidecars are checked like logs.
    /// </summary>
    public static List<string> Logs(string directory)
    {
        var root = Directory.Exists(directory) ? UnixFileStatus.RealPath(directory) : null;
        if (root is null)
            throw new LabException(LabCodes.ConfigBadValue, $"ImportLogs: the folder '{directory}' does not exist.",
                "pass -p:ImportLogs=<folder holding one log file per run>.", directory);

        var logs = new List<string>();
        var refused = new List<(string Path, string RelativePath, string Why)>();
        var folders = new Stack<string>([directory]);
        while (folders.Count > 0)
        {
            var folder = folders.Pop();
            foreach (var entry in Directory.EnumerateFileSystemEntries(folder))
            {
                var name = Path.GetFileName(entry);
                if (name.StartsWith('.')) continue;
                var status = UnixFileStatus.Of(entry, followLinks: false);
                if (status.Type == UnixFileType.Directory)
                {
                    folders.Push(entry);
                    continue;
                }
                var isLog = LogImport.IsLog(entry);
                if (!isLog && !name.EndsWith(LogImportLabels.SidecarSuffix, StringComparison.OrdinalIgnoreCase)) continue;
                if (Refusal(entry, status, root) is { } why) refused.Add((entry, Relative(directory, entry), why));
                else if (isLog) logs.Add(entry);
            }
        }

        if (refused.Count > 0)
        {
            refused.Sort((a, b) => StringComparer.Ordinal.Compare(a.Path, b.Path));
            throw new LabException(LabCodes.ImportRefused,
                $"ImportLogs: {refused.Count} entr{(refused.Count == 1 ? "y" : "ies")} of '{directory}' cannot be imported: "
                + string.Join("; ", refused.Select(r => $"'{r.RelativePath}' {r.Why}")) + ".",
                "move them out of the import folder: only regular files inside it are read (copy a log into the folder rather than linking to it; "
                + $"a log above {MiB(LogImport.MaxLogBytes)} is not one run's output).",
                refused[0].Path);
        }
        return logs.Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// The text of one log or sidecar, read only when it is a regular file within the size limit and
    /// decoded strictly: invalid UTF-8 is LAB0051 naming the byte, its line and the file.
    /// </summary>
    public static string ReadText(string path)
    {
        var status = UnixFileStatus.Of(path, followLinks: true);
        if (Refusal(path, status, root: null) is { } why)
            throw new LabException(LabCodes.ImportRefused, $"ImportLogs: '{Path.GetFileName(path)}' {why}.",
                "move it out of the import folder: only regular files are read.", path);

        var buffer = new byte[Math.Min(status.Size, LogImport.MaxLogBytes) + 1];
        int length;
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 1))
            length = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        if (length > LogImport.MaxLogBytes)
            throw new LabException(LabCodes.ImportRefused, $"ImportLogs: '{Path.GetFileName(path)}' grew above {MiB(LogImport.MaxLogBytes)} while it was read.",
                "import a log once the tool writing it has finished.", path);
        return Decode(buffer.AsSpan(0, length), path);
    }

    private static string? Refusal(string path, UnixFileStatus status, string? root)
    {
        switch (status.Type)
        {
            case UnixFileType.Regular:
                return status.Size > LogImport.MaxLogBytes
                    ? $"is {status.Size.ToString(CultureInfo.InvariantCulture)} bytes, above the {MiB(LogImport.MaxLogBytes)} a log may have"
                    : null;
            case UnixFileType.SymbolicLink:
                var target = UnixFileStatus.RealPath(path);
                if (target is null) return $"is a link to '{new FileInfo(path).LinkTarget}', which does not exist";
                if (root is not null && target != root && !target.StartsWith(root + "/", StringComparison.Ordinal))
                    return $"is a link to '{target}', outside the import folder";
                var final = UnixFileStatus.Of(target, followLinks: true);
                return final.Type == UnixFileType.Regular ? Refusal(target, final, root) : $"is a link to {Describe(final.Type)}";
            default:
                return $"is {Describe(status.Type)}";
        }
    }

    private static string Describe(UnixFileType type) => type switch
    {
        UnixFileType.Fifo => "a FIFO (named pipe)",
        UnixFileType.CharacterDevice => "a character device",
        UnixFileType.BlockDevice => "a block device",
        UnixFileType.Socket => "a socket",
        UnixFileType.Directory => "a folder",
        UnixFileType.Missing => "nothing (it vanished)",
        _ => "not a regular file",
    };

    private static string Decode(ReadOnlySpan<byte> bytes, string path)
    {
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE])) return DecodeUtf16(bytes[2..], bigEndian: false, path);
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF])) return DecodeUtf16(bytes[2..], bigEndian: true, path);
        var bom = bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? 3 : 0;
        var chars = new char[bytes.Length];
        var status = Utf8.ToUtf16(bytes[bom..], chars, out var read, out var written, replaceInvalidSequences: false);
        if (status == System.Buffers.OperationStatus.Done) return new string(chars, 0, written);

        var offset = bom + read;
        var line = bytes[..offset].Count((byte)'\n') + 1;
        throw new LabException(LabCodes.BenchmarkOutput,
            $"The log is not UTF-8 text: byte 0x{bytes[offset]:X2} at offset {offset.ToString(CultureInfo.InvariantCulture)} (line {line}) is not valid UTF-8.",
            $"save the log as UTF-8, e.g. iconv -f latin1 -t utf-8 {Path.GetFileName(path)} > fixed.txt (use the encoding it was written in), or delete the stray bytes.",
            path, line);
    }

    private static string DecodeUtf16(ReadOnlySpan<byte> bytes, bool bigEndian, string path)
    {
        try { return new UnicodeEncoding(bigEndian, byteOrderMark: false, throwOnInvalidBytes: true).GetString(bytes); }
        catch (DecoderFallbackException e)
        {
            throw new LabException(LabCodes.BenchmarkOutput, $"The log starts with a UTF-16 byte order mark but is not valid UTF-16 ({e.Message.Split('\n')[0].Trim()})",
                "save the log as UTF-8 (iconv -f utf-16 -t utf-8), or import the tool's output unchanged.", path, inner: e);
        }
    }

    private static string Relative(string directory, string path) => Path.GetRelativePath(directory, path).Replace('\\', '/');

    private static string MiB(long bytes) => $"{(bytes >> 20).ToString(CultureInfo.InvariantCulture)} MiB";
}
