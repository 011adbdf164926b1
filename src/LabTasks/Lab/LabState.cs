using System.Globalization;
using System.Text.RegularExpressions;
using VirtLab.Util;

namespace VirtLab.Lab;

/// <summary>
/// The running lab's bookkeeping, under /run/virtlab/&lt;name&gt;/: the owner build's pid, the network
/// namespace the lab runs in, a pidfile per QEMU and, in host-NIC mode, the NIC's saved state.
/// Anything that tears the lab down (a task, the watchdog, the next build's reaper) works from
/// this folder alone.
/// </summary>
public sealed partial class LabState
{
    public const string DefaultRoot = "/run/virtlab";

    public LabState(string namespaceName, string root = DefaultRoot)
    {
        if (!ValidName().IsMatch(namespaceName))
            throw new LabException(LabCodes.LabNetwork, $"'{namespaceName}' is not a valid lab name.", "use lowercase letters, digits and '-' (at most 40).");
        Namespace = namespaceName;
        Directory = Path.Combine(root, namespaceName);
    }

    /// <summary>The lab's name (virtlab-&lt;experiment&gt;-&lt;pid&gt;); tasks pass it around as "Namespace".</summary>
    public string Namespace { get; }
    public string Directory { get; }
    public string OwnerFile => Path.Combine(Directory, "owner.pid");
    private string NetworkFile => Path.Combine(Directory, "netns");
    public string HostNicSnapshotFile => Path.Combine(Directory, HostNicBridge.SnapshotFileName);

    /// <summary>
    /// The network namespace QEMU and the lab's servers run in: the lab's own (isolated mode), or
    /// in host-NIC mode the namespace that holds the NIC — "" for the root namespace.
    /// </summary>
    public string NetworkNamespace => File.Exists(NetworkFile) ? File.ReadAllText(NetworkFile).Trim() : Namespace;

    /// <summary>Isolated mode: the lab created its namespace and deletes it with everything in it.</summary>
    public bool OwnsNetworkNamespace => NetworkNamespace == Namespace;

    public string PidFile(string guest) => Path.Combine(Directory, $"{ValidGuest(guest)}.pid");
    public string QmpSocket(string guest) => Path.Combine(Directory, $"{ValidGuest(guest)}.qmp");

    public static string NameFor(string experiment, int ownerPid) => $"virtlab-{experiment}-{ownerPid}";

    public int? Owner =>
        File.Exists(OwnerFile) && int.TryParse(File.ReadAllText(OwnerFile).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : null;

    /// <summary>
    /// Creates the folder complete or not at all: filled under a hidden name, then renamed, so a
    /// reaper never sees a lab without its owner (and never takes a lab being created for an orphan).
    /// </summary>
    public void Create(int ownerPid, string? networkNamespace = null)
    {
        var root = Path.GetDirectoryName(Directory)!;
        System.IO.Directory.CreateDirectory(root);
        var temp = Path.Combine(root, $".{Namespace}.{Guid.NewGuid():N}.tmp");
        try
        {
            System.IO.Directory.CreateDirectory(temp);
            File.WriteAllText(Path.Combine(temp, Path.GetFileName(OwnerFile)), ownerPid.ToString(CultureInfo.InvariantCulture));
            if (networkNamespace is not null) File.WriteAllText(Path.Combine(temp, Path.GetFileName(NetworkFile)), networkNamespace);
            System.IO.Directory.Move(temp, Directory);
        }
        finally
        {
            if (System.IO.Directory.Exists(temp)) System.IO.Directory.Delete(temp, recursive: true);
        }
    }

    /// <summary>Folders a build was creating when it died (see <see cref="Create"/>): nothing was started from them.</summary>
    public static IEnumerable<string> AbandonedCreations(string root = DefaultRoot) =>
        System.IO.Directory.Exists(root)
            ? System.IO.Directory.GetDirectories(root, ".virtlab-*.tmp").Where(d => System.IO.Directory.GetLastWriteTimeUtc(d) < DateTime.UtcNow.AddMinutes(-1))
            : [];

    public static IEnumerable<LabState> All(string root = DefaultRoot) =>
        System.IO.Directory.Exists(root)
            ? System.IO.Directory.GetDirectories(root).Select(Path.GetFileName).Where(n => ValidName().IsMatch(n!)).Select(n => new LabState(n!, root))
            : [];

    public static string ValidGuest(string guest) =>
        GuestName().IsMatch(guest) ? guest : throw new LabException(LabCodes.GuestBoot, $"'{guest}' is not a valid guest name.", "use letters, digits and '-'.");

    [GeneratedRegex("^virtlab-[a-z0-9-]{1,40}$")]
    private static partial Regex ValidName();
    // 63: a guest name is also its hostname (virtlab.hostname=…), and names grow with their cell's axes (guest-virtio-net-pci-tcg-debian-backports).
    [GeneratedRegex("^[A-Za-z0-9-]{1,63}$")]
    private static partial Regex GuestName();
}
