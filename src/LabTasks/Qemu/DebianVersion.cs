using System.Text.RegularExpressions;

namespace VirtLab.Qemu;

/// <summary>
/// A Debian package version ("1:10.0.2+ds-2+deb13u1~bpo12+1"): ordered as dpkg orders them (epoch,
/// then upstream and revision, '~' before everything, even the end), so "the newest the mirror
/// serves" and "the newest in the cache" mean what apt means by them.
/// </summary>
public static partial class DebianVersion
{
    /// <summary>Whether <paramref name="version"/> has the shape of a Debian version (it goes into apt's arguments and a folder name).</summary>
    public static bool IsValid(string version) => Shape().IsMatch(version);

    /// <summary>"1:10.0.2+ds-2+deb13u1~bpo12+1" → "10.0.2+ds-2+deb13u1~bpo12+1".</summary>
    public static string WithoutEpoch(string version)
    {
        var colon = version.IndexOf(':');
        return colon >= 0 && version[..colon].All(char.IsAsciiDigit) ? version[(colon + 1)..] : version;
    }

    /// <summary>
    /// The cache folder of a version: no epoch, and every character outside [A-Za-z0-9.+-] replaced
    /// by '_' ("10.0.2+ds-2+deb13u1_bpo12+1"), so it is one plain path part that never starts with '.'.
    /// </summary>
    public static string FolderName(string version)
    {
        var name = NotInFolderName().Replace(WithoutEpoch(version), "_");
        return name.Length == 0 || name[0] == '.' ? "_" + name : name;
    }

    /// <summary>&lt; 0, 0 or &gt; 0 as dpkg --compare-versions would order <paramref name="a"/> and <paramref name="b"/>.</summary>
    public static int Compare(string a, string b)
    {
        var (ea, ua, ra) = Split(a);
        var (eb, ub, rb) = Split(b);
        var c = ea.CompareTo(eb);
        if (c != 0) return c;
        c = CompareFragment(ua, ub);
        return c != 0 ? c : CompareFragment(ra, rb);
    }

    public static IComparer<string> Comparer { get; } = Comparer<string>.Create(Compare);

    private static (long Epoch, string Upstream, string Revision) Split(string version)
    {
        long epoch = 0;
        var colon = version.IndexOf(':');
        if (colon >= 0 && long.TryParse(version[..colon], out var e)) { epoch = e; version = version[(colon + 1)..]; }
        var dash = version.LastIndexOf('-');
        return dash >= 0 ? (epoch, version[..dash], version[(dash + 1)..]) : (epoch, version, "");
    }

    // dpkg's verrevcmp: alternating non-digit runs (compared by Order) and digit runs (compared as numbers).
    private static int CompareFragment(string a, string b)
    {
        int i = 0, j = 0;
        while (i < a.Length || j < b.Length)
        {
            while ((i < a.Length && !char.IsAsciiDigit(a[i])) || (j < b.Length && !char.IsAsciiDigit(b[j])))
            {
                var oa = i < a.Length ? Order(a[i]) : 0;
                var ob = j < b.Length ? Order(b[j]) : 0;
                if (oa != ob) return oa - ob;
                i++; j++;
            }
            while (i < a.Length && a[i] == '0') i++;
            while (j < b.Length && b[j] == '0') j++;
            var firstDiff = 0;
            while (i < a.Length && char.IsAsciiDigit(a[i]) && j < b.Length && char.IsAsciiDigit(b[j]))
            {
                if (firstDiff == 0) firstDiff = a[i] - b[j];
                i++; j++;
            }
            if (i < a.Length && char.IsAsciiDigit(a[i])) return 1;
            if (j < b.Length && char.IsAsciiDigit(b[j])) return -1;
            if (firstDiff != 0) return firstDiff;
        }
        return 0;
    }

    private static int Order(char c) =>
        char.IsAsciiDigit(c) ? 0 : char.IsAsciiLetter(c) ? c : c == '~' ? -1 : c + 256;

    [GeneratedRegex(@"\A(?:[0-9]+:)?[0-9][A-Za-z0-9.+~-]*\z")]
    private static partial Regex Shape();

    [GeneratedRegex("[^A-Za-z0-9.+-]")]
    private static partial Regex NotInFolderName();
}
