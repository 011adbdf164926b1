using System.Globalization;

namespace VirtLab.Noise;

/// <summary>
/// What else the host did while one repeat ran: the share of all CPUs busy and stolen (by a
/// hypervisor below this machine), and the processes that were not the measurement's and still
/// took CPU — another lab's QEMU, a compiler, an IDE's build. Such a repeat is noisy.
/// </summary>
public sealed record NoiseReading(double BusyPercent, double StealPercent, IReadOnlyList<string> Intruders)
{
    /// <summary>Steal above this share of the CPUs means the machine below took the cores away (a busy cloud host).</summary>
    public const double StealLimitPercent = 5;

    public bool IsNoisy => Intruders.Count > 0 || StealPercent > StealLimitPercent;

    public string Reason => string.Join("; ", Intruders.Concat(StealPercent > StealLimitPercent
        ? [string.Create(CultureInfo.InvariantCulture, $"{StealPercent:0.#} % of CPU time stolen")] : []));

    public void AddLabels(IDictionary<string, string> labels)
    {
        labels["host_busy_pct"] = BusyPercent.ToString("0.#", CultureInfo.InvariantCulture);
        labels["host_steal_pct"] = StealPercent.ToString("0.#", CultureInfo.InvariantCulture);
        labels["noisy"] = IsNoisy ? "true" : "false";
        if (IsNoisy) labels["noise"] = Reason;
    }
}
