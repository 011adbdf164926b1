using VirtLab.Util;

namespace VirtLab.Guest;

/// <summary>The shared libraries (and ELF interpreter) a host binary needs, as the loader resolves them (ldd).</summary>
public static class SharedLibraries
{
    public static IReadOnlyList<string> Of(string binary, CancellationToken cancellationToken = default)
    {
        var result = ProcessRunner.Run("ldd", [binary], TimeSpan.FromSeconds(30), cancellationToken);
        var text = result.StandardOutput + result.StandardError;
        // ldd exits 1 for static binaries (busybox-static).
        if (text.Contains("not a dynamic executable") || text.Contains("statically linked")) return [];
        if (!result.Succeeded)
            throw new LabException(LabCodes.GuestImage, $"ldd {binary} failed: {ProcessRunner.Tail(text)}");
        return ParseLdd(text, binary);
    }

    /// <summary>
    /// Parses ldd output: "libz.so.1 => /lib/x86_64-linux-gnu/libz.so.1 (0x...)" and
    /// "/lib64/ld-linux-x86-64.so.2 (0x...)"; the vDSO has no file and is skipped.
    /// </summary>
    public static IReadOnlyList<string> ParseLdd(string output, string binary = "binary")
    {
        var paths = new List<string>();
        foreach (var raw in output.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0) continue;
            var arrow = line.IndexOf("=>", StringComparison.Ordinal);
            var target = (arrow >= 0 ? line[(arrow + 2)..] : line).Trim();
            if (target.StartsWith("not found", StringComparison.Ordinal))
                throw new LabException(LabCodes.GuestImage, $"{binary} needs {line[..arrow].Trim()}, which the loader cannot find.",
                    $"reinstall the package that provides {binary}");
            var paren = target.IndexOf(" (", StringComparison.Ordinal);
            if (paren >= 0) target = target[..paren];
            if (target.StartsWith('/')) paths.Add(target);
        }
        return paths;
    }
}
