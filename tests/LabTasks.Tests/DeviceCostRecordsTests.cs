using VirtLab.Iperf;
using VirtLab.Qemu;

namespace VirtLab.Tests;

/// <summary>The records of QEMU's per-thread cores (every repeat) and of the device counting run.</summary>
public class DeviceCostRecordsTests
{
    private static readonly DateTimeOffset Time = new(2026, 11, 29, 15, 0, 0, TimeSpan.Zero);
    private static SortedDictionary<string, string> Labels() => new() { ["nic"] = "e1000", ["direction"] = "guest-to-host", ["repeat"] = "1" };

    private static IperfResult Result() =>
        Iperf3JsonParser.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "fixtures", "iperf", "iperf3-3.12-client-t6-i2.json")));

    [Fact]
    public void Every_repeat_records_cores_per_thread_role_and_no_cpu_seconds_per_gbit()
    {
        var cores = new Dictionary<string, double> { ["vcpu"] = 0.97, ["main"] = 0.31, ["other"] = 0.02 };
        var records = IperfRecords.From(Result(), 4.2, Labels(), Time, cores).ToList();

        var threads = records.Where(r => r.Metric == "qemu_thread_cpu_cores").ToList();
        Assert.Equal(cores.OrderBy(c => c.Key).Select(c => (c.Key, c.Value)),
            threads.OrderBy(r => r.Label("thread_role")).Select(r => (r.Label("thread_role")!, r.Value!.Value)));
        Assert.All(threads, r => Assert.Equal("cores", r.Unit));
        Assert.Equal(4.2, records.Single(r => r.Metric == "qemu_cpu_seconds").Value);
        Assert.DoesNotContain(records, r => r.Metric == "qemu_cpu_seconds_per_gbit");
        // The role is on the thread records only, not on the throughput.
        Assert.Null(records.Single(r => r.Metric == "throughput").Label("thread_role"));
    }

    [Fact]
    public void The_device_counting_run_records_counts_and_per_packet_figures_under_its_own_run_label()
    {
        var counts = new DeviceTraceCounts(RegisterReads: 1228, RegisterWrites: 3823, QueueKicks: 0, VirtioNotifies: 0, Interrupts: 614);
        var records = DeviceCountRecords.From(counts, packets: 21808, bytes: 16987616, seconds: 2, Labels(), Time).ToList();

        double Value(string metric) => records.Single(r => r.Metric == metric).Value!.Value;
        Assert.Equal(counts.RegisterAccesses, Value("nic_register_accesses"));
        Assert.Equal(counts.RegisterAccesses / 21808.0, Value("nic_register_accesses_per_packet"), 9);
        Assert.Equal(counts.Interrupts / 21808.0, Value("nic_interrupts_per_packet"), 9);
        Assert.Equal(0, Value("virtqueue_kicks_per_packet"));
        Assert.Equal(21808, Value("device_count_packets"));
        Assert.Equal(16987616 / 21808.0, Value("device_count_bytes_per_packet"), 9);
        Assert.All(records, r => Assert.Equal("device-count", r.Label("run")));
        Assert.All(records, r => Assert.Equal("guest-proc-net-dev", r.Label("packet_source")));
        Assert.DoesNotContain(records, r => r.Metric == "throughput");
    }

    [Fact]
    public void Without_packets_there_is_no_per_packet_figure()
    {
        var records = DeviceCountRecords.From(new DeviceTraceCounts(5, 5, 0, 0, 1), packets: 0, bytes: 0, seconds: 2, Labels(), Time).ToList();
        Assert.DoesNotContain(records, r => r.Metric.EndsWith("_per_packet", StringComparison.Ordinal));
        Assert.Equal(10, records.Single(r => r.Metric == "nic_register_accesses").Value);
    }
}
