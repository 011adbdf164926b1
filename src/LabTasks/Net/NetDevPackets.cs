using System.Globalization;

namespace VirtLab.Net;

/// <summary>Packets a machine's interfaces received plus sent, from /proc/net/dev (loopback excluded).</summary>
public static class NetDevPackets
{
    public static long Total(string procNetDev)
    {
        long total = 0;
        foreach (var line in procNetDev.Split('\n'))
        {
            var colon = line.IndexOf(':');
            if (colon < 0) continue;
            var name = line[..colon].Trim();
            if (name == "lo") continue;
            // Receive: bytes packets errs drop fifo frame compressed multicast; transmit: bytes packets …
            var fields = line[(colon + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 10) continue;
            total += long.Parse(fields[1], CultureInfo.InvariantCulture) + long.Parse(fields[9], CultureInfo.InvariantCulture);
        }
        return total;
    }
}
