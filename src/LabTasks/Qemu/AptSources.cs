namespace VirtLab.Qemu;

/// <summary>One "deb" entry of an apt sources file: a mirror URL, one suite, and the keyring it trusts (if it names one).</summary>
public sealed record AptSourceEntry(string Uri, string Suite, string? SignedBy);

/// <summary>
/// Reads apt's sources in both formats — deb822 (*.sources: stanzas with Types, URIs, Suites,
/// Signed-By …) and one-line (sources.list: "deb [options] URL suite components") — and
/// /etc/os-release's codename. Only binary ("deb") entries over http or https count.
/// </summary>
public static class AptSources
{
    /// <summary>VERSION_CODENAME from an os-release text ("bookworm"), or null.</summary>
    public static string? Codename(string osRelease)
    {
        foreach (var raw in osRelease.Split('\n'))
        {
            var line = raw.Trim();
            if (!line.StartsWith("VERSION_CODENAME=", StringComparison.Ordinal)) continue;
            var value = line["VERSION_CODENAME=".Length..].Trim().Trim('"', '\'');
            return value.Length > 0 ? value : null;
        }
        return null;
    }

    /// <summary>The first entry whose suite is exactly <paramref name="codename"/> ("bookworm", not "bookworm-security").</summary>
    public static AptSourceEntry? MirrorFor(IEnumerable<AptSourceEntry> entries, string codename) =>
        entries.FirstOrDefault(e => e.Suite == codename);

    public static IReadOnlyList<AptSourceEntry> ParseDeb822(string text)
    {
        var entries = new List<AptSourceEntry>();
        foreach (var stanza in Stanzas(text))
        {
            if (stanza.TryGetValue("enabled", out var enabled) && enabled.Trim().Equals("no", StringComparison.OrdinalIgnoreCase)) continue;
            if (!stanza.TryGetValue("types", out var types) || !Words(types).Contains("deb")) continue;
            if (!stanza.TryGetValue("uris", out var uris) || !stanza.TryGetValue("suites", out var suites)) continue;
            var signedBy = stanza.TryGetValue("signed-by", out var s) && Words(s) is [var key] && key.StartsWith('/') ? key : null;
            foreach (var uri in Words(uris).Where(IsHttp))
                foreach (var suite in Words(suites))
                    entries.Add(new AptSourceEntry(uri.TrimEnd('/'), suite, signedBy));
        }
        return entries;
    }

    public static IReadOnlyList<AptSourceEntry> ParseOneLine(string text)
    {
        var entries = new List<AptSourceEntry>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Split('#', 2)[0].Trim();
            if (!line.StartsWith("deb ", StringComparison.Ordinal) && !line.StartsWith("deb\t", StringComparison.Ordinal)) continue;
            var rest = line[3..].Trim();
            string? signedBy = null;
            if (rest.StartsWith('['))
            {
                var close = rest.IndexOf(']');
                if (close < 0) continue;
                foreach (var option in Words(rest[1..close]))
                    if (option.StartsWith("signed-by=", StringComparison.Ordinal) && option[10..].StartsWith('/')) signedBy = option[10..];
                rest = rest[(close + 1)..].Trim();
            }
            var words = Words(rest);
            if (words.Count < 2 || !IsHttp(words[0])) continue;
            entries.Add(new AptSourceEntry(words[0].TrimEnd('/'), words[1], signedBy));
        }
        return entries;
    }

    private static bool IsHttp(string uri) =>
        uri.StartsWith("http://", StringComparison.Ordinal) || uri.StartsWith("https://", StringComparison.Ordinal);

    private static List<string> Words(string value) =>
        [.. value.Split([' ', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries)];

    // deb822: "Field: value" lines, continuation lines start with white space, '#' lines are comments, blank lines end a stanza.
    private static IEnumerable<Dictionary<string, string>> Stanzas(string text)
    {
        var stanza = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        string? field = null;
        foreach (var raw in text.Replace("\r", "").Split('\n'))
        {
            if (raw.StartsWith('#')) continue;
            if (raw.Trim().Length == 0)
            {
                if (stanza.Count > 0) yield return stanza;
                stanza = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                field = null;
                continue;
            }
            if (char.IsWhiteSpace(raw[0]))
            {
                if (field is not null) stanza[field] += "\n" + raw.Trim();
                continue;
            }
            var colon = raw.IndexOf(':');
            if (colon <= 0) { field = null; continue; }
            field = raw[..colon].Trim();
            stanza[field] = raw[(colon + 1)..].Trim();
        }
        if (stanza.Count > 0) yield return stanza;
    }
}
