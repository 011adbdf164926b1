using System.Globalization;

namespace VirtLab.Net;

/// <summary>
/// Packets (and bytes) a machine's interfaces received plus sent, from /proc/net/dev (loopback
/// excluded). A packet is what the driver handled: with TSO/GSO one can be a 64 KiB segment.
/// </summary>
public static class NetDevPackets
{
    public static long Total(string procNetDev) => Sum(procNetDev, receiveField: 1, transmitField: 9);

    public static long TotalBytes(string procNetDev) => Sum(procNetDev, receiveField: 0, transmitField: 8);

    private static long Sum(string procNetDev, int receiveField, int transmitField)
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
            total += long.Parse(fields[receiveField], CultureInfo.InvariantCulture) + long.Parse(fields[transmitField], CultureInfo.InvariantCulture);
        }
        return total;
    }
}
