using VirtLab.Util;

namespace VirtLab.Qemu;

/// <summary>
/// Where Debian's packages for this release come from: the mirror URL of the system's own apt
/// sources (the entry that serves the release's codename, e.g. http://deb.debian.org/debian), the
/// codename (bookworm) and the keyring that entry trusts. Read, never written: a private apt
/// configuration uses them to fetch from <see cref="BackportsSuite"/>.
/// </summary>
public sealed record DebianMirror(string Uri, string Codename, string Keyring = DebianMirror.DefaultKeyring)
{
    public const string DefaultKeyring = "/usr/share/keyrings/debian-archive-keyring.gpg";
    public const string OsReleaseFile = "/etc/os-release";
    public const string SourcesListFile = "/etc/apt/sources.list";
    public const string SourcesPartsDirectory = "/etc/apt/sources.list.d";

    public string BackportsSuite => $"{Codename}-backports";

    /// <summary>The one-line sources.list of the private apt configuration: this mirror's backports suite, main.</summary>
    public string BackportsSourcesList => $"deb [signed-by={Keyring}] {Uri} {BackportsSuite} main\n";

    /// <summary>This machine's mirror and codename, from /etc/os-release and the apt sources.</summary>
    public static DebianMirror FromSystem()
    {
        var codename = File.Exists(OsReleaseFile) ? AptSources.Codename(File.ReadAllText(OsReleaseFile)) : null;
        if (codename is null)
            throw new LabException(LabCodes.QemuFetch, $"{OsReleaseFile} names no VERSION_CODENAME, so the Debian release to take backports for is unknown.",
                "fetch QEMU on a Debian machine, or declare the build as Kind=\"path\" with its Program.", OsReleaseFile);
        var files = new List<(string Path, string Text)>();
        if (File.Exists(SourcesListFile)) files.Add((SourcesListFile, File.ReadAllText(SourcesListFile)));
        if (Directory.Exists(SourcesPartsDirectory))
            files.AddRange(Directory.EnumerateFiles(SourcesPartsDirectory)
                .Where(f => f.EndsWith(".list", StringComparison.Ordinal) || f.EndsWith(".sources", StringComparison.Ordinal))
                .Order(StringComparer.Ordinal)
                .Select(f => (f, File.ReadAllText(f))));
        foreach (var (path, text) in files)
        {
            var entries = path.EndsWith(".sources", StringComparison.Ordinal) ? AptSources.ParseDeb822(text) : AptSources.ParseOneLine(text);
            if (AptSources.MirrorFor(entries, codename) is { } entry)
                return new DebianMirror(entry.Uri, codename, entry.SignedBy is { } key && File.Exists(key) ? key : DefaultKeyring);
        }
        throw new LabException(LabCodes.QemuFetch,
            $"No apt source of this machine serves '{codename}' over http(s) ({SourcesListFile}, {SourcesPartsDirectory}/*.sources), so there is no Debian mirror to fetch {codename}-backports from.",
            $"add the Debian mirror for {codename} to the apt sources, or declare the build as Kind=\"path\" with its Program.");
    }
}
