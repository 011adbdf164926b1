using System.Globalization;
using VirtLab.Records;
using VirtLab.Report;
using VirtLab.Stats;
using Record = VirtLab.Records.Record;

namespace VirtLab.Tests;

/// <summary>
/// Question C's device cost table: the fixture's real iperf records, with per-thread cores and
/// device counting records built here (the fixture predates them), each cell's figures different.
/// </summary>
public class ReportDeviceCostTests
{
    private static readonly string[] Nics = ["virtio-net-pci", "e1000", "rtl8139"];
    private static readonly string[] Directions = ["guest-to-host", "host-to-guest"];

    private static IReadOnlyList<Record> Iperf => RecordFile.Read(ReportWorkspace.IperfFixture);

    // Cell i of 6: distinct, easily traced numbers.
    private static double Vcpu(int cell, int repeat) => 0.90 + cell * 0.01 + repeat * 0.002;
    private static double MainCores(int cell, int repeat) => 0.10 + cell * 0.05 + repeat * 0.004;
    private static double Accesses(int cell) => cell * 1.5;
    private static double Kicks(int cell) => cell == 0 || cell == 1 ? 0.06 + cell * 0.01 : 0;
    private static double Interrupts(int cell) => 0.03 + cell * 0.02;
    private static double BytesPerPacket(int cell) => 700 + cell * 1000.4;

    private static List<Record> Constructed()
    {
        var records = new List<Record>();
        var time = new DateTimeOffset(2026, 11, 29, 15, 0, 0, TimeSpan.Zero);
        for (var n = 0; n < Nics.Length; n++)
        for (var d = 0; d < Directions.Length; d++)
        {
            var cell = n * 2 + d;
            SortedDictionary<string, string> Labels() => new() { ["experiment"] = "virtio-vs-e1000", ["nic"] = Nics[n], ["direction"] = Directions[d], ["workload"] = "iperf", ["tool"] = "iperf3" };
            foreach (var repeat in new[] { 1, 2 })
            {
                records.Add(new Record("qemu_thread_cpu_cores", Vcpu(cell, repeat), "cores", new(Labels()) { ["thread_role"] = "vcpu", ["repeat"] = $"{repeat}" }, time));
                records.Add(new Record("qemu_thread_cpu_cores", MainCores(cell, repeat), "cores", new(Labels()) { ["thread_role"] = "main", ["repeat"] = $"{repeat}" }, time));
            }
            var counting = new SortedDictionary<string, string>(Labels()) { ["run"] = "device-count" };
            records.Add(new Record("nic_register_accesses_per_packet", Accesses(cell), "1/packet", counting, time));
            records.Add(new Record("virtqueue_kicks_per_packet", Kicks(cell), "1/packet", counting, time));
            records.Add(new Record("nic_interrupts_per_packet", Interrupts(cell), "1/packet", counting, time));
            records.Add(new Record("device_count_packets", 20000 + cell, "count", counting, time));
            records.Add(new Record("device_count_bytes_per_packet", BytesPerPacket(cell), "bytes", counting, time));
        }
        return records;
    }

    private static string F(double value, int decimals) => value.ToString("F" + decimals, CultureInfo.InvariantCulture);

    private static string RenderC(IEnumerable<Record> records)
    {
        using var ws = new ReportWorkspace();
        ws.Write(ReportIperf.Experiment, records);
        return ReportWorkspace.Section(ReportGenerator.Render(ws.Options()).Markdown, "C");
    }

    private static double ThroughputMedian(string nic, string direction) => SampleStatistics.From(Iperf
        .Where(r => r.Metric == "throughput" && r.Label("nic") == nic && r.Label("direction") == direction).Select(r => r.Value!.Value)).Median;

    [Fact]
    public void The_table_quotes_each_cells_median_cores_and_per_packet_figures()
    {
        var c = RenderC(Iperf.Concat(Constructed()));

        for (var n = 0; n < Nics.Length; n++)
        for (var d = 0; d < Directions.Length; d++)
        {
            var cell = n * 2 + d;
            Assert.Contains($"| {Nics[n]} | {Directions[d]} | {F((Vcpu(cell, 1) + Vcpu(cell, 2)) / 2, 2)} | {F((MainCores(cell, 1) + MainCores(cell, 2)) / 2, 2)} | {F(Accesses(cell), 2)} | {F(Kicks(cell), 2)} | {F(Interrupts(cell), 2)} | {F(BytesPerPacket(cell), 0)} |", c);
        }
        // The table explains the answer: it comes after the answer and the throughput evidence, under "Why".
        Assert.True(c.IndexOf("| vCPU cores |", StringComparison.Ordinal) > c.IndexOf("### Why", StringComparison.Ordinal));
        Assert.True(c.IndexOf("### Why", StringComparison.Ordinal) > c.IndexOf("**Answer.**", StringComparison.Ordinal));
        Assert.DoesNotContain("per Gbit", c);
    }

    [Fact]
    public void The_sentences_follow_the_numbers()
    {
        var c = RenderC(Iperf.Concat(Constructed()));

        foreach (var direction in Directions)
        {
            // rtl8139 has the highest cell numbers, so the most accesses per packet in both directions.
            var rtl = Array.IndexOf(Nics, "rtl8139") * 2 + Array.IndexOf(Directions, direction);
            Assert.Contains($"{direction}: rtl8139 needed the most register accesses per packet ({F(Accesses(rtl), 2)})", c);
            var e1000 = ThroughputMedian("e1000", direction);
            var rtlThroughput = ThroughputMedian("rtl8139", direction);
            var sentence = $"e1000 did not beat rtl8139 in {direction}: {F(e1000, 3)} against {F(rtlThroughput, 3)} Gbit/s";
            if (e1000 <= rtlThroughput) Assert.Contains(sentence, c);
            else Assert.DoesNotContain($"e1000 did not beat rtl8139 in {direction}", c);
        }
        // The real fixture has both cases.
        Assert.Contains("e1000 did not beat rtl8139", c);
        var mains = Enumerable.Range(0, 6).Select(cell => (MainCores(cell, 1) + MainCores(cell, 2)) / 2).ToList();
        Assert.Contains($"its main loop thread {F(mains.Min(), 2)}–{F(mains.Max(), 2)}", c);
    }

    [Fact]
    public void Records_without_the_new_metrics_show_no_device_cost_table()
    {
        var c = RenderC(Iperf);
        Assert.DoesNotContain("| vCPU cores |", c);
        Assert.DoesNotContain("per Gbit", c);
        Assert.Contains("**Answer.**", c);
        Assert.Contains("### Why", c);
    }
}

/// <summary>Question C's device cost table on the records of a real quick run (tests/fixtures/records/README.md).</summary>
public class ReportDeviceCostRealRunTests
{
    private static string Fixture => Path.Combine(ReportWorkspace.FixtureDir, "virtio-vs-e1000-quick-device", "records.ndjson");

    private static double Median(IEnumerable<Record> records) => SampleStatistics.From(records.Select(r => r.Value!.Value)).Median;
    private static string F(double value) => value.ToString("F2", CultureInfo.InvariantCulture);

    [Fact]
    public void Every_guest_cell_has_one_counting_run_kept_apart_from_the_throughput()
    {
        var records = RecordFile.Read(Fixture);
        var counting = records.Where(r => r.Label("run") == "device-count").ToList();
        Assert.Equal(6, counting.Where(r => r.Metric == "device_count_packets").Select(r => (r.Label("nic"), r.Label("direction"))).Distinct().Count());
        Assert.DoesNotContain(counting, r => r.Metric == "throughput");
        Assert.DoesNotContain(records, r => r.Metric == "throughput" && r.Label("run") is not null);
        // Emulated models have no virtqueue; virtio-net's doorbells are kicks, not traced register accesses.
        Assert.All(counting.Where(r => r.Metric == "virtqueue_kicks" && r.Label("nic") != "virtio-net-pci"), r => Assert.Equal(0, r.Value));
        Assert.All(counting.Where(r => r.Metric == "nic_register_accesses" && r.Label("nic") == "virtio-net-pci"), r => Assert.Equal(0, r.Value));
        Assert.All(counting.Where(r => r.Metric == "nic_register_accesses" && r.Label("nic") != "virtio-net-pci"), r => Assert.True(r.Value > 0));
    }

    [Fact]
    public void The_table_traces_to_the_real_records()
    {
        var records = RecordFile.Read(Fixture);
        using var ws = new ReportWorkspace();
        ws.Place(ReportIperf.Experiment, Fixture);
        var c = ReportWorkspace.Section(ReportGenerator.Render(ws.Options()).Markdown, "C");

        foreach (var cell in records.Where(r => r.Metric == "device_count_packets").Select(r => (Nic: r.Label("nic")!, Direction: r.Label("direction")!)))
        {
            var of = records.Where(r => r.Label("nic") == cell.Nic && r.Label("direction") == cell.Direction).ToList();
            double Cores(string role) => Median(of.Where(r => r.Metric == "qemu_thread_cpu_cores" && r.Label("thread_role") == role));
            double Counted(string metric) => Median(of.Where(r => r.Metric == metric && r.Label("run") == "device-count"));
            Assert.Contains($"| {cell.Nic} | {cell.Direction} | {F(Cores("vcpu"))} | {F(Cores("main"))} | {F(Counted("nic_register_accesses_per_packet"))} | {F(Counted("virtqueue_kicks_per_packet"))} | {F(Counted("nic_interrupts_per_packet"))} |", c);
        }
    }
}
