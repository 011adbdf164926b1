using System.Globalization;
using VirtLab.Records;

namespace VirtLab.Report;

/// <summary>
/// How many of a scenario's migrations under one workload left a guest that failed its integrity
/// check: k of n from its integrity_failures record(s), with the exact 95 % Clopper–Pearson
/// interval of the rate, and the guest it ran (QEMU build and version, kernel arguments, TCG
/// threads, CPU model) and how many guests it took (AfterIntegrityFailure=reboot boots a fresh
/// one after each corrupted guest).
/// </summary>
/// <param name="Completed">How many of the migrations completed (switched over to the destination); the others were checked on the source.</param>
public sealed record IntegrityRateRow(string Scenario, string Workload, int Failures, int Migrations, int Completed, int GuestBoots,
    string QemuBuild, string QemuVersion, string KernelArguments, string TcgThreads, string CpuModel)
{
    public Stats.Proportion Rate => Stats.Proportion.Of(Failures, Migrations);

    /// <summary>"0–6 %"; "—" without migrations.</summary>
    public string IntervalText => Migrations == 0 ? "—" : Rate.IntervalText ?? "—";

    /// <summary>"11 %"; "—" without migrations.</summary>
    public string RateText => Migrations == 0 ? "—" : string.Create(CultureInfo.InvariantCulture, $"{Rate.Rate * 100:0.#} %");

    public static List<IntegrityRateRow> From(IReadOnlyList<Record> records, Func<Record, string> cellOf)
    {
        // Completed migrations per cell and workload whose guest was checked (not lost to a fault), from each migration's figures.
        var completed = records.Where(r => r.Metric == "migration_elapsed" && r.Label("outcome") == "completed" && r.Label("integrity") != "guest-lost")
            .GroupBy(r => (Cell: cellOf(r), Workload: r.Label("workload") ?? "?"))
            .ToDictionary(g => g.Key, g => g.Select(r => r.Label("migration")).Distinct().Count());
        return records.Where(r => r.Metric == "integrity_failures" && r.Value is not null)
            .GroupBy(r => (Cell: cellOf(r), Workload: r.Label("workload") ?? "?"))
            .Select(g =>
            {
                var first = g.First();
                string L(string key) => first.Label(key) is { Length: > 0 } v ? v : "—";
                return new IntegrityRateRow(g.Key.Cell, g.Key.Workload, (int)g.Sum(r => r.Value!.Value), g.Sum(r => Int(r.Label("migrations"))),
                    completed.GetValueOrDefault(g.Key), g.Sum(r => Math.Max(1, Int(r.Label("guest_boots")))),
                    L("qemu_build"), L("qemu_version"), L("guest_kernel_args"), L("tcg_threads"), L("cpu_model"));
            })
            .OrderBy(r => r.Scenario, StringComparer.Ordinal).ThenBy(r => r.Workload, StringComparer.Ordinal)
            .ToList();
    }

    private static int Int(string? text) => int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;
}
