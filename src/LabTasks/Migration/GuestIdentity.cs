using System.Globalization;
using System.Text.RegularExpressions;
using VirtLab.Lab;
using VirtLab.Util;

namespace VirtLab.Migration;

/// <summary>
/// A migrated guest is one guest in several QEMU processes over time: "mig-0" boots, migrates to
/// "mig-1", then to "mig-2". The generation that runs now is recorded in the lab's folder
/// (/run/virtlab/&lt;lab&gt;/&lt;family&gt;.current), so later tasks find its pidfile, QMP socket and tap.
/// </summary>
public static partial class GuestIdentity
{
    [GeneratedRegex(@"^(?<family>[A-Za-z0-9-]+?)(?:-(?<n>[0-9]{1,6}))?$")]
    private static partial Regex Generation();

    /// <summary>"mig" for "mig-3" (and for "mig").</summary>
    public static string Family(string guest) => Generation().Match(LabState.ValidGuest(guest)).Groups["family"].Value;

    /// <summary>The next generation's name: "mig-0" → "mig-1", "guest" → "guest-1".</summary>
    public static string Next(string guest)
    {
        var m = Generation().Match(LabState.ValidGuest(guest));
        var n = m.Groups["n"].Success ? int.Parse(m.Groups["n"].Value, CultureInfo.InvariantCulture) + 1 : 1;
        return LabState.ValidGuest(string.Create(CultureInfo.InvariantCulture, $"{m.Groups["family"].Value}-{n}"));
    }

    public static string PointerFile(LabState lab, string guest) => Path.Combine(lab.Directory, Family(guest) + ".current");

    public static void SetCurrent(LabState lab, string guest) => AtomicFile.WriteAllText(PointerFile(lab, guest), guest + "\n");

    /// <summary>The generation of <paramref name="guest"/>'s family that runs now; <paramref name="guest"/> itself if none was recorded.</summary>
    public static string Current(LabState lab, string guest)
    {
        var file = PointerFile(lab, guest);
        return File.Exists(file) ? LabState.ValidGuest(File.ReadAllText(file).Trim()) : guest;
    }
}
