using System.Globalization;
using VirtLab.Iperf;
using VirtLab.Records;
using VirtLab.Report;
using VirtLab.Sysbench;
using VirtLab.Util;

namespace VirtLab.Tests;

public class LogImportTests
{
    private static string Fixture(string folder) => Path.Combine(AppContext.BaseDirectory, "fixtures", "import", folder);

    [Fact]
    public void Labels_come_from_the_file_name_convention()
    {
        var sysbench = LogImportLabels.FromFileName("/x/lab-pc__tcg__sysbench-memory__r3.txt");
        Assert.Equal(new ImportLabels("lab-pc", "tcg", "memory", null, null, 3), sysbench);

        var iperf = LogImportLabels.FromFileName("/x/ubuntu.lab__kvm__iperf-virtio-net-pci__host-to-guest__r12.json");
        Assert.Equal(new ImportLabels("ubuntu.lab", "kvm", null, "virtio-net-pci", "host-to-guest", 12), iperf);

        Assert.Null(LogImportLabels.FromFileName("/x/sysbench-run-1.txt"));
    }

    [Fact]
    public void Labels_come_from_a_sidecar_when_there_is_one()
    {
        var labels = LogImportLabels.For(Path.Combine(Fixture("good"), "run-07.json"));
        Assert.Equal(new ImportLabels("lab-pc", "kvm", null, "e1000", "guest-to-host", 1), labels);
    }

    [Fact]
    public void A_folder_of_logs_becomes_imported_records_with_machine_and_source()
    {
        var logs = LogImport.ImportDirectory(Fixture("good"));

        Assert.Equal(["lab-pc__kvm__iperf-virtio-net-pci__guest-to-host__r1.txt", "lab-pc__kvm__sysbench-cpu__r1.txt",
            "lab-pc__tcg__sysbench-cpu__r1.txt", "run-07.json", "tuesday/lab-pc__host__sysbench-cpu__r1.txt"], logs.Select(l => l.RelativePath));
        var records = logs.SelectMany(l => l.Records).ToList();
        Assert.All(records, r =>
        {
            Assert.Equal("imported", r.Label("source"));
            Assert.Equal("lab-pc", r.Label("machine"));
            Assert.StartsWith("raw/", r.Label("raw"));
        });

        var kvmCpu = logs.Single(l => l.RelativePath == "lab-pc__kvm__sysbench-cpu__r1.txt").Records;
        Assert.Equal(20.2671, kvmCpu.Single(r => r.Metric == "total_time").Value);
        Assert.Equal("0.4.12", kvmCpu[0].Label("tool_version"));
        Assert.Equal("cpu", kvmCpu[0].Label("workload"));
        Assert.Equal("kvm", kvmCpu[0].Label("accel"));
        Assert.Equal("kvm-vs-tcg", kvmCpu[0].Label("experiment"));

        var iperf2 = logs.Single(l => l.Kind == IperfResult.Iperf2);
        var parsed = Iperf2OutputParser.Parse(File.ReadAllText(iperf2.File));
        var throughput = iperf2.Records.Single(r => r.Metric == "throughput");
        Assert.Equal(parsed.Summary.BitsPerSecond / 1e9, throughput.Value);
        Assert.Equal("Gbit/s", throughput.Unit);
        Assert.Equal("virtio-net-pci", throughput.Label("nic"));
        Assert.Equal("guest-to-host", throughput.Label("direction"));

        var iperf3 = logs.Single(l => l.Kind == IperfResult.Iperf3);
        Assert.Equal("e1000", iperf3.Records[0].Label("nic"));
        Assert.Contains(iperf3.Records, r => r.Metric == "retransmits");
    }

    [Fact]
    public void Writing_an_import_keeps_the_raw_logs_and_does_not_touch_an_unchanged_records_file()
    {
        var output = Path.Combine(Path.GetTempPath(), "virtlab-import-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var logs = LogImport.ImportDirectory(Fixture("good"));
            var file = LogImport.Write(output, logs);
            var written = File.GetLastWriteTimeUtc(file);
            Assert.Equal(logs.Sum(l => l.Records.Count), RecordFile.Read(file).Count);
            Assert.True(File.Exists(Path.Combine(output, "raw", "tuesday", "lab-pc__host__sysbench-cpu__r1.txt")));

            Thread.Sleep(20);
            LogImport.Write(output, LogImport.ImportDirectory(Fixture("good")));
            Assert.Equal(written, File.GetLastWriteTimeUtc(file));
        }
        finally
        {
            if (Directory.Exists(output)) Directory.Delete(output, recursive: true);
        }
    }

    [Fact]
    public void Imported_records_appear_in_the_report_as_rows_of_their_machine()
    {
        using var ws = new ReportWorkspace();
        var imported = LogImport.Write(Path.Combine(ws.Root, "results", "imported"), LogImport.ImportDirectory(Fixture("good")));
        ws.Place(ReportSysbench.Experiment, ReportWorkspace.SysbenchFixture);
        ws.Place(ReportIperf.Experiment, ReportWorkspace.IperfFixture);
        var output = ReportGenerator.Generate(ws.Options(imported: imported));
        var b = ReportWorkspace.Section(output.Markdown, "B");
        var c = ReportWorkspace.Section(output.Markdown, "C");

        var kvmRate = (10000 / 20.2671).ToString("F2", CultureInfo.InvariantCulture);
        Assert.Contains($"| lab-pc | cpu | kvm | 1 | {kvmRate} | events/s |", b);
        Assert.Contains("| lab-pc | cpu | tcg | 1 |", b);
        Assert.Contains("| lab-pc | virtio-net-pci | guest-to-host | 1 | 3.820 |", c);
        Assert.Contains("| imported | [`imported/records.ndjson`](imported/records.ndjson)", output.Markdown);
        Assert.Contains("lab-pc (imported)", output.Charts.Single(ch => ch.Id == "b-cpu").Svg);
    }

    [Fact]
    public void An_unknown_accelerator_in_a_file_name_is_LAB0002_naming_the_file()
    {
        var e = Assert.Throws<LabException>(() => LogImport.ImportDirectory(Fixture("bad-accel")));
        Assert.Equal(LabCodes.ConfigBadValue, e.Code);
        Assert.EndsWith("lab-pc__xen__sysbench-cpu__r1.txt", e.File);
        Assert.Contains("'xen'", e.Message);
        Assert.Contains("host", e.Fix);
    }

    [Fact]
    public void An_unknown_key_in_a_sidecar_is_LAB0002_with_its_line()
    {
        var e = Assert.Throws<LabException>(() => LogImport.ImportDirectory(Fixture("bad-sidecar")));
        Assert.Equal(LabCodes.ConfigBadValue, e.Code);
        Assert.EndsWith("run.txt.labels.yaml", e.File);
        Assert.Equal(3, e.Line);
        Assert.Contains("'nicc'", e.Message);
    }

    [Fact]
    public void A_log_without_labels_is_LAB0002_explaining_both_conventions()
    {
        var e = Assert.Throws<LabException>(() => LogImport.ImportDirectory(Fixture("unlabelled")));
        Assert.Equal(LabCodes.ConfigBadValue, e.Code);
        Assert.EndsWith("notes-from-tuesday.txt", e.File);
        Assert.Contains(".labels.yaml", e.Fix);
        Assert.Contains("__sysbench-", e.Fix);
    }

    [Fact]
    public void Iperf3_text_output_is_refused_with_the_fix()
    {
        var e = Assert.Throws<LabException>(() => LogImport.ImportDirectory(Fixture("iperf3-text")));
        Assert.Equal(LabCodes.BenchmarkOutput, e.Code);
        Assert.Contains("-J", e.Fix);
    }

    [Fact]
    public void A_workload_label_that_contradicts_the_log_is_LAB0002()
    {
        var result = SysbenchOutputParser.Parse(File.ReadAllText(Path.Combine(Fixture("good"), "lab-pc__kvm__sysbench-cpu__r1.txt")));
        var e = Assert.Throws<LabException>(() => LogImport.SysbenchRecordsOf(result, new ImportLabels("m", "kvm", "memory", null, null, 1), "x.txt", DateTimeOffset.UnixEpoch, "x.txt"));
        Assert.Equal(LabCodes.ConfigBadValue, e.Code);
        Assert.Contains("cpu", e.Fix);
    }

    [Fact]
    public void A_missing_folder_is_LAB0002()
    {
        var e = Assert.Throws<LabException>(() => LogImport.ImportDirectory("/nonexistent/virtlab-logs"));
        Assert.Equal(LabCodes.ConfigBadValue, e.Code);
    }
}
