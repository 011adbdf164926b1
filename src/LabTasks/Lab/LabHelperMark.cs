using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace VirtLab.Lab;

/// <summary>
/// Marks every helper a build starts for its lab (iperf3 and sockperf servers, ping, tcpdump, QEMU)
/// with VIRTLAB_HELPER=&lt;owner pid&gt;:&lt;network namespace&gt; in its environment, which its children
/// inherit whatever process group or session they choose. In host-NIC mode the helpers do not live
/// in a namespace of the lab's own, so this mark is how teardown and the watchdog find them after
/// the build was killed: a pid file could be stale, a process group could have been left.
/// </summary>
public static class LabHelperMark
{
    public const string Variable = "VIRTLAB_HELPER";

    public static string Value(int owner, string netns) => $"{owner.ToString(CultureInfo.InvariantCulture)}:{netns}";

    public static void Apply(ProcessStartInfo psi, string netns, int? owner = null) =>
        psi.Environment[Variable] = Value(owner ?? OwnerProcess.Current, netns);

    /// <summary>`env VIRTLAB_HELPER=…`, to put before a command run without a ProcessStartInfo of its own.</summary>
    public static string[] EnvPrefix(string netns, int? owner = null) => ["env", $"{Variable}={Value(owner ?? OwnerProcess.Current, netns)}"];

    /// <summary>Every process carrying the mark of <paramref name="owner"/>'s helpers in <paramref name="netns"/>.</summary>
    public static List<int> Find(int owner, string netns)
    {
        var wanted = Encoding.UTF8.GetBytes($"{Variable}={Value(owner, netns)}");
        var found = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)) continue;
            byte[] environ;
            try { environ = File.ReadAllBytes(Path.Combine(dir, "environ")); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { continue; }
            if (HasEntry(environ, wanted)) found.Add(pid);
        }
        return found;
    }

    /// <summary>Whether a NUL-separated environment block holds exactly <paramref name="entry"/>.</summary>
    public static bool HasEntry(ReadOnlySpan<byte> environ, ReadOnlySpan<byte> entry)
    {
        foreach (var range in environ.Split((byte)0))
            if (environ[range].SequenceEqual(entry)) return true;
        return false;
    }
}
