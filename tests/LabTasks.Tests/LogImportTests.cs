using System.Globalization;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
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
        // The imported rows are in the appendix with the other full tables since issue 13.
        var b = ReportWorkspace.DataSection(output.DataMarkdown, "B");
        var c = ReportWorkspace.DataSection(output.DataMarkdown, "C");

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
    private const string GoodLogName = "lab-pc__host__sysbench-cpu__r1.txt";
    private const string IperfLogName = "lab-pc__host__iperf-loopback__host__r1.txt";

    private static string SysbenchText() =>
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "fixtures", "sysbench", "sysbench-1.0.20-cpu-prime20000.txt"));

    /// <summary>A fresh import folder holding one good log, removed when disposed.</summary>
    private sealed class ImportFolder : IDisposable
    {
        public string Root { get; } = Path.Combine(Path.GetTempPath(), "virtlab-import-" + Guid.NewGuid().ToString("N")[..8]);
        public string Logs => Path.Combine(Root, "logs");
        public string Outside => Path.Combine(Root, "outside");

        public ImportFolder()
        {
            Directory.CreateDirectory(Logs);
            Directory.CreateDirectory(Outside);
            File.WriteAllText(Path.Combine(Logs, GoodLogName), SysbenchText());
        }

        public string In(string name) => Path.Combine(Logs, name);

        public void Dispose() => Directory.Delete(Root, recursive: true);
    }

    [DllImport("libc", SetLastError = true)] private static extern int mkfifo(string path, uint mode);
    [DllImport("libc", SetLastError = true)] private static extern int mknod(string path, uint mode, ulong device);

    /// <summary>Creates the entry; what is returned keeps it alive until disposed (a socket's file goes when the socket closes).</summary>
    private static IDisposable? Make(string kind, ImportFolder folder, string path)
    {
        switch (kind)
        {
            case "fifo":
                Assert.Equal(0, mkfifo(path, 0x180));
                break;
            case "char-device": // the same device as /dev/null: major 1, minor 3
                Assert.Equal(0, mknod(path, 0x2000 | 0x180, (1 << 8) | 3));
                break;
            case "socket":
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                socket.Bind(new UnixDomainSocketEndPoint(path));
                return socket;
            case "link-to-dev-zero":
                File.CreateSymbolicLink(path, "/dev/zero");
                break;
            case "link-outside":
                File.WriteAllText(Path.Combine(folder.Outside, "secret.txt"), SysbenchText());
                File.CreateSymbolicLink(path, Path.Combine("..", "outside", "secret.txt"));
                break;
            case "dangling-link":
                File.CreateSymbolicLink(path, Path.Combine(folder.Logs, "gone.txt"));
                break;
            case "link-to-folder":
                Directory.CreateSymbolicLink(path, folder.Outside);
                break;
            case "huge-sparse":
                using (var stream = new FileStream(path, FileMode.CreateNew))
                    stream.SetLength(LogImport.MaxLogBytes + 1);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
        }
        return null;
    }

    /// <summary>Runs the import on a worker thread, so that a hang (an opened FIFO) fails the test instead of stalling the run.</summary>
    private static Task<LabException> ImportFails(string directory) =>
        Assert.ThrowsAsync<LabException>(() => ImportWithinAMinute(directory));

    private static Task<List<ImportedLog>> ImportWithinAMinute(string directory) =>
        Task.Run(() => LogImport.ImportDirectory(directory)).WaitAsync(TimeSpan.FromMinutes(1));

    [Theory]
    [InlineData("fifo", "a FIFO")]
    [InlineData("char-device", "a character device")]
    [InlineData("socket", "a socket")]
    [InlineData("link-to-dev-zero", "outside the import folder")]
    [InlineData("link-outside", "outside the import folder")]
    [InlineData("dangling-link", "does not exist")]
    [InlineData("link-to-folder", "outside the import folder")]
    [InlineData("huge-sparse", "16 MiB")]
    public async Task An_entry_that_is_not_a_regular_log_file_inside_the_folder_is_LAB0052_naming_it(string kind, string says)
    {
        using var folder = new ImportFolder();
        var name = "lab-pc__host__sysbench-cpu__r2.txt";
        using var entry = Make(kind, folder, folder.In(name));

        var e = await ImportFails(folder.Logs);

        Assert.Equal(LabCodes.ImportRefused, e.Code);
        Assert.Equal(folder.In(name), e.File);
        Assert.Contains($"'{name}'", e.Message);
        Assert.Contains(says, e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.Contains("move", e.Fix);
    }

    [Fact]
    public async Task A_sidecar_that_is_a_FIFO_is_refused_without_being_opened()
    {
        using var folder = new ImportFolder();
        File.WriteAllText(folder.In("run.txt"), SysbenchText());
        Make("fifo", folder, folder.In("run.txt.labels.yaml"));

        var e = await ImportFails(folder.Logs);

        Assert.Equal(LabCodes.ImportRefused, e.Code);
        Assert.Equal(folder.In("run.txt.labels.yaml"), e.File);
    }

    [Fact]
    public async Task Every_refused_entry_is_named_in_one_error()
    {
        using var folder = new ImportFolder();
        Directory.CreateDirectory(folder.In("tuesday"));
        Make("fifo", folder, folder.In("a.txt"));
        Make("link-to-dev-zero", folder, folder.In(Path.Combine("tuesday", "b.txt")));

        var e = await ImportFails(folder.Logs);

        Assert.Equal(folder.In("a.txt"), e.File);
        Assert.Contains("'a.txt'", e.Message);
        Assert.Contains("'tuesday/b.txt'", e.Message);
    }

    [Fact]
    public async Task A_link_to_a_log_inside_the_folder_is_imported_and_skipped_entries_are_never_opened()
    {
        using var folder = new ImportFolder();
        Directory.CreateDirectory(folder.In("tuesday"));
        File.WriteAllText(folder.In(Path.Combine("tuesday", "run.txt")), SysbenchText());
        File.CreateSymbolicLink(folder.In("lab-pc__host__sysbench-cpu__r2.txt"), Path.Combine("tuesday", "run.txt"));
        File.WriteAllText(folder.In(Path.Combine("tuesday", "run.txt.labels.yaml")), "machine: lab-pc\naccel: kvm\n");
        Make("fifo", folder, folder.In(".pipe"));
        Make("fifo", folder, folder.In("NOTES.md"));
        Directory.CreateDirectory(folder.In(".git"));
        Make("fifo", folder, folder.In(Path.Combine(".git", "config")));

        var logs = await ImportWithinAMinute(folder.Logs);

        Assert.Equal([GoodLogName, "lab-pc__host__sysbench-cpu__r2.txt", "tuesday/run.txt"], logs.Select(l => l.RelativePath));
    }

    [Fact]
    public async Task A_log_that_is_not_UTF8_is_LAB0051_naming_the_file_and_line()
    {
        using var folder = new ImportFolder();
        var latin1 = Encoding.Latin1.GetBytes("\u00e9tudiant@lab-pc:~$ sysbench cpu run\n");
        File.WriteAllBytes(folder.In(GoodLogName), [.. Encoding.UTF8.GetBytes(SysbenchText()[..100]), .. latin1, .. Encoding.UTF8.GetBytes(SysbenchText()[100..])]);
        var line = SysbenchText()[..100].Count(c => c == '\n') + 1;

        var e = await ImportFails(folder.Logs);

        Assert.Equal(LabCodes.BenchmarkOutput, e.Code);
        Assert.Equal(folder.In(GoodLogName), e.File);
        Assert.Equal(line, e.Line);
        Assert.Contains("not UTF-8", e.Message);
        Assert.Contains("0xE9", e.Message);
        Assert.Contains("iconv", e.Fix);
    }

    [Fact]
    public void A_log_saved_as_UTF16_with_a_byte_order_mark_is_read()
    {
        using var folder = new ImportFolder();
        File.WriteAllText(folder.In(GoodLogName), SysbenchText().Replace("\n", "\r\n"), new UnicodeEncoding(bigEndian: false, byteOrderMark: true));

        var log = LogImport.ImportDirectory(folder.Logs).Single();

        Assert.Equal(6.0278, log.Records.Single(r => r.Metric == "total_time").Value!.Value, 4);
    }

    [Fact]
    public async Task A_number_too_large_for_a_double_is_LAB0051_naming_the_file()
    {
        using var folder = new ImportFolder();
        var iperf = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "fixtures", "iperf", "iperf-2.1.8-client-i2-t6.txt"));
        File.WriteAllText(folder.In(IperfLogName), iperf.Replace("15.3 GBytes  21.8 Gbits/sec", "15.3 GBytes  1" + new string('0', 400) + " Gbits/sec"));

        var e = await ImportFails(folder.Logs);

        Assert.Equal(LabCodes.BenchmarkOutput, e.Code);
        Assert.Equal(folder.In(IperfLogName), e.File);
        Assert.Contains("too large", e.Message);
    }

    [Fact]
    public void Logs_captured_from_a_terminal_are_imported_and_interrupted_runs_say_so()
    {
        var logs = LogImport.ImportDirectory(Fixture("captured"));
        VirtLab.Records.Record Throughput(string name) => logs.Single(l => l.RelativePath == name).Records.Single(r => r.Metric == "throughput");

        var homework = Throughput("lab-pc__kvm__iperf-virtio-net-pci__guest-to-host__r1.txt");
        Assert.Equal("true", homework.Label("interrupted"));
        Assert.Equal("12.8", homework.Label("duration_seconds"));
        Assert.Equal(3.82, homework.Value!.Value, 3);
        Assert.Null(homework.Label("suspended"));

        var session = Throughput("lab-pc__host__iperf-loopback__host__r1.txt");
        Assert.Equal("true", session.Label("interrupted"));
        Assert.Equal("true", session.Label("suspended"));
        Assert.Equal("14.119", session.Label("duration_seconds"));

        var sigint = Throughput("lab-pc__host__iperf-loopback__host__r2.txt");
        Assert.Null(sigint.Label("interrupted"));
        Assert.Equal("12.535", sigint.Label("duration_seconds"));

        var iperf3 = Throughput("lab-pc__host__iperf-loopback__host__r3.json");
        Assert.Equal("iperf3", iperf3.Label("tool"));
        Assert.Equal(10.2609, iperf3.Value!.Value, 4);

        var sysbench = logs.Single(l => l.RelativePath == "lab-pc__host__sysbench-cpu__r1.txt").Records;
        Assert.Equal(1125.10, sysbench.Single(r => r.Metric == "events_per_second").Value);
        var bomCrlf = logs.Single(l => l.RelativePath == "lab-pc__host__sysbench-cpu__r2.txt").Records;
        Assert.Equal(10000, bomCrlf.Single(r => r.Metric == "events").Value);
    }

    [Fact]
    public void An_interrupted_sysbench_log_is_LAB0051_naming_the_file()
    {
        var e = Assert.Throws<LabException>(() => LogImport.ImportDirectory(Fixture("interrupted-sysbench")));

        Assert.Equal(LabCodes.BenchmarkOutput, e.Code);
        Assert.EndsWith("lab-pc__host__sysbench-cpu__r1.txt", e.File);
        Assert.Contains("interrupted (Ctrl+C) before it printed its totals", e.Message);
    }
}
