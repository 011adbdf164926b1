using System.Globalization;

namespace VirtLab.Lab;

/// <summary>Who holds the host lock: the build (its owner pid), what it measures, since when, and its token file.</summary>
public sealed record HostLockHolder(int Pid, string Experiment, string Profile, DateTimeOffset Since, string Token)
{
    public string Describe() =>
        $"build {Pid.ToString(CultureInfo.InvariantCulture)} (experiment {Experiment}, profile {Profile}) has held it since {Since.ToUniversalTime():HH:mm:ss} UTC";
}
