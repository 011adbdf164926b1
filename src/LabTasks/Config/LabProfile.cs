using System.Net;
using VirtLab.Util;

namespace VirtLab.Config;

/// <summary>The lab as one build sees it: lab.yaml with one profile chosen.</summary>
public sealed record LabProfile(LabConfig Config, string ProfileName, ProfileConfig Profile, IPAddress HostAddress, int PrefixLength)
{
    public static LabProfile Select(LabConfig config, string profileName, string labFile)
    {
        if (!config.Profiles.TryGetValue(profileName, out var profile))
            throw new LabException(LabCodes.ConfigBadValue,
                $"Profile '{profileName}' is not defined in the lab file (defined: {string.Join(", ", config.Profiles.Keys)}).",
                "pass -p:Profile=<one of those>, or add the profile under 'profiles'.", labFile, config.ProfilesLine);
        LabConfigLoader.TryParseHostAddress(config.Network.HostAddress, out var address, out var prefix);
        return new LabProfile(config, profileName, profile, address, prefix);
    }

    /// <summary>The n-th guest address (n from 1) in the host address's subnet: .1, .2, … as in the homework.</summary>
    public IPAddress GuestAddress(int n)
    {
        var bytes = HostAddress.GetAddressBytes();
        var value = (uint)(bytes[0] << 24 | bytes[1] << 16 | bytes[2] << 8 | bytes[3]);
        var mask = PrefixLength == 0 ? 0u : uint.MaxValue << (32 - PrefixLength);
        var guest = (value & mask) + (uint)n;
        if (guest == value) guest++;
        return new IPAddress([(byte)(guest >> 24), (byte)(guest >> 16), (byte)(guest >> 8), (byte)guest]);
    }
}
