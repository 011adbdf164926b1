using VirtLab.Records;
using VirtLab.Report;

namespace VirtLab.Tests;

/// <summary>How the report shows repeats: every repeat as a dot on its bar, and noisy repeats counted in words.</summary>
public class ReportRepeatsTests
{
    [Fact]
    public void Every_repeat_is_a_dot_and_noisy_repeats_are_counted_in_B_and_C()
    {
        using var ws = new ReportWorkspace();
        var sysbench = RecordFile.Read(ReportWorkspace.SysbenchFixture);
        var tcgCpu = sysbench.First(r => r.Label("accel") == "tcg" && r.Label("workload") == "cpu" && r.Metric == "events_per_second");
        tcgCpu.Labels["noisy"] = "true";
        tcgCpu.Labels["noise"] = "another QEMU ran (pid 4242)";
        ws.Write(ReportSysbench.Experiment, sysbench);
        var iperf = RecordFile.Read(ReportWorkspace.IperfFixture);
        var e1000 = iperf.First(r => r.Label("nic") == "e1000" && r.Metric == "throughput");
        e1000.Labels["noisy"] = "true";
        ws.Write(ReportIperf.Experiment, iperf);

        var output = ReportGenerator.Generate(ws.Options());

        var tcgRepeats = sysbench.Count(r => r.Label("accel") == "tcg" && r.Label("workload") == "cpu" && r.Metric == "events_per_second");
        Assert.Contains($"*tcg*: 1 of {tcgRepeats} repeats ran while the host was busy", ReportWorkspace.Section(output.Markdown, "B"));
        Assert.Contains($"*e1000 {e1000.Label("direction")}*: 1 of", ReportWorkspace.Section(output.Markdown, "C"));
        var cpuChart = output.Charts.Single(c => c.Id == "b-cpu").Svg;
        var measuredRepeats = sysbench.Count(r => r.Label("workload") == "cpu" && r.Metric == "events_per_second" && !r.IsUnavailable);
        Assert.Equal(measuredRepeats, System.Text.RegularExpressions.Regex.Matches(cpuChart, "class=\"point\"").Count);
    }
}
