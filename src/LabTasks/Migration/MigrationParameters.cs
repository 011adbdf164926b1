namespace VirtLab.Migration;

/// <summary>The migration parameters in effect (QEMU's units: ms, bytes/s, bytes, channels).</summary>
public sealed record MigrationParameters(int DowntimeLimitMs, long MaxBandwidthBytes, long XbzrleCacheBytes, int MultifdChannels);
