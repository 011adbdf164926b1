using System.Globalization;
using VirtLab.Qemu;
using VirtLab.Records;
using VirtLab.Stats;

namespace VirtLab.Report;

/// <summary>Question B's model: the kvm-vs-tcg records summarized per workload and accelerator (via <see cref="SysbenchSummary"/>).</summary>
public static class ReportSysbench
{
    public const string Experiment = "kvm-vs-tcg";

    public static QuestionB Build(ExperimentRecords measured, RecordsSource? source, IReadOnlyList<Record> imported, KvmVerdict? verdict,
        string? verdictFile, ReportReference reference, string profileArgument)
    {
        var records = measured.Records;
        var summary = SysbenchSummary.From(Experiment, "", records);
        var cpu = View(summary, "cpu", records);
        var memory = View(summary, "memory", records);
        var expected = Expect(cpu, reference.Expectations.KvmCpuFractionOfHost);
        bool? memorySuffersMore = cpu?.HostOverTcg is { } c && memory?.HostOverTcg is { } m ? m > c : null;
        return new QuestionB(
            Measured: cpu?.HostMeasured == true || cpu?.TcgMeasured == true || memory?.HostMeasured == true || memory?.TcgMeasured == true,
            Source: source,
            MeasureCommand: $"dotnet build experiments/{Experiment}.proj{profileArgument}",
            Cpu: cpu,
            Memory: memory,
            Kvm: KvmStatusOf(records, verdict, verdictFile),
            Parameters: ParametersOf(records),
            Expected: expected,
            MemorySuffersMore: memorySuffersMore,
            Imported: ImportedRows(imported));
    }

    public static SysbenchView? View(SysbenchSummary summary, string workload, IReadOnlyList<Record> records)
    {
        var w = summary.Workloads.FirstOrDefault(x => x.Workload == workload);
        if (w is null) return null;
        AccelRow? Row(string accel) => w.Rows.FirstOrDefault(r => r.Accel == accel);
        var host = Row("host");
        var kvm = Row("kvm");
        var tcg = Row("tcg");
        var hostLatency = Latency(records, workload, "host");
        var tcgLatency = Latency(records, workload, "tcg");
        return new SysbenchView(workload, w.Metric, w.Unit, w.Rows, host, kvm, tcg,
            TcgToHost: Ratio(tcg, host),
            HostOverTcg: Ratio(host, tcg),
            KvmToHost: Ratio(kvm, host),
            KvmOverTcg: Ratio(kvm, tcg),
            HostLatency: hostLatency,
            KvmLatency: Latency(records, workload, "kvm"),
            TcgLatency: tcgLatency,
            TcgLatencyAvgOverHost: tcgLatency?.AvgMs is { } t && hostLatency?.AvgMs is > 0 and var h ? t / h : null);
    }

    /// <summary>numerator.median / denominator.median when both were measured.</summary>
    public static double? Ratio(AccelRow? numerator, AccelRow? denominator) =>
        numerator?.Median is { } n && denominator?.Median is { } d && d > 0 ? n / d : null;

    public static LatencyFigures? Latency(IReadOnlyList<Record> records, string workload, string accel)
    {
        double? Median(string metric)
        {
            var values = records.Where(r => r.Label("workload") == workload && r.Label("accel") == accel && r.Metric == metric && r.Value is not null && !r.IsUnavailable)
                .Select(r => r.Value!.Value).ToList();
            return values.Count == 0 ? null : SampleStatistics.From(values).Median;
        }
        var figures = new LatencyFigures(Median("latency_min"), Median("latency_avg"), Median("latency_max"), Median("latency_p95"));
        return figures.AvgMs is null && figures.MaxMs is null ? null : figures;
    }

    public static KvmStatus KvmStatusOf(IReadOnlyList<Record> records, KvmVerdict? verdict, string? verdictFile)
    {
        var kvm = records.Where(r => r.Label("accel") == "kvm").ToList();
        var console = verdict?.SerialTail.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault()?.Trim();
        if (kvm.Any(r => !r.IsUnavailable && r.Value is not null))
            return new KvmStatus("measured", null, null, verdictFile, verdict?.Time);
        var unavailable = kvm.FirstOrDefault(r => r.IsUnavailable);
        if (unavailable is not null)
            return new KvmStatus("unavailable", WithoutPrefix(unavailable.Label("reason") ?? verdict?.ShortReason ?? "no reason recorded"), console, verdictFile, verdict?.Time);
        if (verdict is { Available: false })
            return new KvmStatus("unavailable", verdict.ShortReason, console, verdictFile, verdict.Time);
        return new KvmStatus("not-run", null, null, verdictFile, verdict?.Time);
    }

    /// <summary>The reason without RecordUnavailable's "KVM unavailable: " lead-in (the report says that itself).</summary>
    public static string WithoutPrefix(string reason) =>
        reason.StartsWith("KVM unavailable: ", StringComparison.Ordinal) ? reason["KVM unavailable: ".Length..] : reason;

    public static SysbenchParameters ParametersOf(IReadOnlyList<Record> records)
    {
        string? Label(string workload, string key) =>
            records.Where(r => r.Label("workload") == workload || workload == "").Select(r => r.Label(key)).FirstOrDefault(v => v is not null);
        var events = records.Where(r => r.Label("workload") == "cpu" && r.Metric == "events" && r.Value is not null).Select(r => r.Value!.Value).ToList();
        var repeats = records.Select(r => r.Label("repeat")).Where(v => v is not null)
            .Select(v => int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : 0).DefaultIfEmpty(0).Max();
        return new SysbenchParameters(Label("cpu", "cpu_max_prime"), events.Count == 0 ? null : SampleStatistics.From(events).Median,
            Label("", "threads"), Label("memory", "memory_block_size"), Label("memory", "memory_total_size"), Label("", "tool_version"), repeats);
    }

    public static ExpectedKvm Expect(SysbenchView? cpu, RangeReference fraction)
    {
        var host = cpu?.Host?.Median;
        var tcg = cpu?.Tcg?.Median;
        return new ExpectedKvm(fraction.Low, fraction.High, host * fraction.Low, host * fraction.High,
            tcg is > 0 ? host * fraction.Low / tcg : null, tcg is > 0 ? host * fraction.High / tcg : null);
    }

    /// <summary>Imported sysbench records, summarized per machine (ratios are within one machine).</summary>
    public static IReadOnlyList<ImportedSysbenchRow> ImportedRows(IReadOnlyList<Record> imported)
    {
        var rows = new List<ImportedSysbenchRow>();
        foreach (var machine in imported.Where(r => r.Label("tool") == "sysbench").GroupBy(r => r.Label("machine") ?? "unknown").OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var records = machine.ToList();
            var summary = SysbenchSummary.From("imported", "", records);
            foreach (var w in summary.Workloads)
            foreach (var row in w.Rows.Where(r => r.Status == "measured"))
            {
                var version = records.Where(r => r.Label("accel") == row.Accel && r.Label("workload") == w.Workload).Select(r => r.Label("tool_version")).FirstOrDefault();
                rows.Add(new ImportedSysbenchRow(machine.Key, w.Workload, w.Unit, row, version));
            }
        }
        return rows;
    }
}
