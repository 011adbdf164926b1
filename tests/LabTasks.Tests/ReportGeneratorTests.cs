using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using VirtLab.Records;
using VirtLab.Report;
using VirtLab.Stats;
using VirtLab.Tasks;
using VirtLab.Util;
using Record = VirtLab.Records.Record;

namespace VirtLab.Tests;

public class ReportGeneratorTests
{
    private static readonly string[] Questions = ["A", "B", "C", "D", "E", "F", "G", "H"];

    private static ReportOutput RenderAll(ReportWorkspace ws, string? imported = null)
    {
        ws.Place(ReportSysbench.Experiment, ReportWorkspace.SysbenchFixture);
        ws.Place(ReportIperf.Experiment, ReportWorkspace.IperfFixture, ReportWorkspace.LatencyFixture);
        ws.Place(ReportMigration.Experiment, ReportWorkspace.MigrationFixture);
        return ReportGenerator.Generate(ws.Options(hostSetup: ReportWorkspace.HostSetupFixture, imported: imported));
    }

    private static double Median(IEnumerable<Record> records, Func<Record, bool> which) =>
        SampleStatistics.From(records.Where(r => which(r) && r.Value is not null && !r.IsUnavailable).Select(r => r.Value!.Value)).Median;

    private static string F(double value, int decimals) => value.ToString("F" + decimals, CultureInfo.InvariantCulture);

    [Fact]
    public void Every_question_has_its_heading_in_the_markdown_and_the_html()
    {
        using var ws = new ReportWorkspace();
        var output = RenderAll(ws);

        foreach (var q in Questions)
        {
            Assert.Contains($"\n## {q}. ", output.Markdown);
            Assert.Matches($"<h2 id=\"[^\"]*\">{q}\\. ", output.Html);
        }
        Assert.Contains("\n## Environment", output.Markdown);
        Assert.True(File.Exists(Path.Combine(ws.Root, "results", "report-quick.md")));
        Assert.True(File.Exists(Path.Combine(ws.Root, "results", "report-quick.html")));
    }

    [Fact]
    public void B_quotes_the_medians_and_the_host_to_tcg_ratio_computed_from_the_records()
    {
        using var ws = new ReportWorkspace();
        var b = ReportWorkspace.Section(RenderAll(ws).Markdown, "B");
        var records = RecordFile.Read(ReportWorkspace.SysbenchFixture);

        var tcg = Median(records, r => r.Label("accel") == "tcg" && r.Label("workload") == "cpu" && r.Metric == "events_per_second");
        var host = Median(records, r => r.Label("accel") == "host" && r.Label("workload") == "cpu" && r.Metric == "events_per_second");
        Assert.Contains($"**{F(tcg, 2)} events/s**", b);
        Assert.Contains($"**{F(host, 2)} events/s**", b);
        Assert.Contains($"**{F(host / tcg, 2)}× slower**", b);

        var tcgMemory = Median(records, r => r.Label("accel") == "tcg" && r.Metric == "transfer_rate");
        var hostMemory = Median(records, r => r.Label("accel") == "host" && r.Metric == "transfer_rate");
        Assert.Contains($"**{F(tcgMemory, 2)} MiB/s**", b);
        Assert.Contains($"**{F(hostMemory / tcgMemory, 2)}× slower**", b);

        var tcgLatency = Median(records, r => r.Label("accel") == "tcg" && r.Label("workload") == "cpu" && r.Metric == "latency_avg");
        Assert.Contains($"Each event took {F(tcgLatency, 2)} ms on average in the guest", b);
    }

    [Fact]
    public void B_shows_the_reference_figures_labelled_and_derived_from_reference_yaml()
    {
        using var ws = new ReportWorkspace();
        var b = ReportWorkspace.Section(RenderAll(ws).Markdown, "B");
        var reference = ReportReference.Load(Path.Combine(ReportWorkspace.TemplateDir, "reference.yaml"));

        Assert.Equal(20.2671, reference.SysbenchCpu.Kvm.TotalSeconds);
        Assert.Contains("original submission (reference)", b);
        Assert.Contains(F(10000 / 20.2671, 2) + " events/s", b);
        Assert.Contains($"a TCG/KVM ratio of {F(47.3442 / 20.2671, 2)}×", b);
    }

    [Fact]
    public void An_unavailable_KVM_record_makes_B_say_unavailable_with_the_reason_and_still_answer()
    {
        using var ws = new ReportWorkspace();
        var output = RenderAll(ws);
        var b = ReportWorkspace.Section(output.Markdown, "B");
        var reason = RecordFile.Read(ReportWorkspace.SysbenchFixture).First(r => r.IsUnavailable).Label("reason")!;

        Assert.Contains("**KVM: unavailable on this host.**", b);
        Assert.Contains(ReportSysbench.WithoutPrefix(reason), b);
        Assert.Contains("**What KVM would show.**", b);
        // The full table is in the appendix since issue 13.
        Assert.Contains("| kvm | 0 | *unavailable* |", ReportWorkspace.DataSection(output.DataMarkdown, "B"));
    }

    [Fact]
    public void Measured_KVM_rows_are_reported_as_measured()
    {
        using var ws = new ReportWorkspace();
        var records = RecordFile.Read(ReportWorkspace.SysbenchFixture);
        var kvm = records.Where(r => r.Label("accel") == "host")
            .Select(r => r with { Labels = new SortedDictionary<string, string>(r.Labels) { ["accel"] = "kvm" }, Value = r.Value * 0.97 }).ToList();
        ws.Write(ReportSysbench.Experiment, records.Where(r => r.Label("accel") != "kvm").Concat(kvm));
        var b = ReportWorkspace.Section(ReportGenerator.Generate(ws.Options()).Markdown, "B");

        var kvmMedian = Median(kvm, r => r.Label("workload") == "cpu" && r.Metric == "events_per_second");
        Assert.Contains("KVM worked here", b);
        Assert.Contains($"The KVM guest reached {F(kvmMedian, 2)} events/s", b);
        Assert.DoesNotContain("unavailable on this host", b);
    }

    [Fact]
    public void B_renders_with_one_workload_only()
    {
        using var ws = new ReportWorkspace();
        ws.Write(ReportSysbench.Experiment, RecordFile.Read(ReportWorkspace.SysbenchFixture).Where(r => r.Label("workload") == "cpu"));
        var b = ReportWorkspace.Section(ReportGenerator.Generate(ws.Options()).Markdown, "B");

        Assert.Contains("- **CPU.**", b);
        Assert.DoesNotContain("**Memory.**", b);
        Assert.DoesNotContain("CPU vs memory", b);
    }

    [Fact]
    public void A_report_without_any_record_still_answers_every_question()
    {
        using var ws = new ReportWorkspace();
        var md = ReportGenerator.Generate(ws.Options()).Markdown;

        foreach (var q in Questions) Assert.Contains($"\n## {q}. ", md);
        Assert.Contains("`dotnet build experiments/kvm-vs-tcg.proj -p:Profile=quick`", ReportWorkspace.Section(md, "B"));
        Assert.Contains("KVM was not part of this run.", ReportWorkspace.Section(md, "B"));
    }

    [Fact]
    public void An_unknown_key_in_reference_yaml_is_LAB0070_with_its_line()
    {
        using var ws = new ReportWorkspace();
        var file = Path.Combine(ws.Root, "reference.yaml");
        File.WriteAllText(file, "label: x\nsysbenchCpu:\n  evnts: 3\n");

        var e = Assert.Throws<LabException>(() => ReportReference.Load(file));
        Assert.Equal(LabCodes.Template, e.Code);
        Assert.Equal(3, e.Line);
    }

    [Fact]
    public void C_compares_virtio_with_each_emulated_NIC_from_the_records()
    {
        using var ws = new ReportWorkspace();
        var output = RenderAll(ws);
        var c = ReportWorkspace.Section(output.Markdown, "C");
        var data = ReportWorkspace.DataSection(output.DataMarkdown, "C");
        var records = RecordFile.Read(ReportWorkspace.IperfFixture);
        double Throughput(string nic, string direction) =>
            Median(records, r => r.Metric == "throughput" && r.Label("nic") == nic && r.Label("direction") == direction);

        var virtio = Throughput("virtio-net-pci", "guest-to-host");
        var e1000 = Throughput("e1000", "guest-to-host");
        Assert.Contains($"guest-to-host, virtio-net moved **{F(virtio, 3)} Gbit/s** and e1000 **{F(e1000, 3)} Gbit/s** (**{F(virtio / e1000, 2)}×**)", c);
        Assert.Contains("| rtl8139 | host-to-guest |", data);
        Assert.Contains("host loopback (reference)", data);
        var retransmits = Median(records, r => r.Metric == "retransmits" && r.Label("nic") == "rtl8139" && r.Label("direction") == "host-to-guest");
        Assert.Contains($"rtl8139 host-to-guest: {F(retransmits, 0)} TCP retransmissions per run", c);
        Assert.Contains("3.82 Gbit/s with virtio", c);
    }

    [Fact]
    public void Experiments_without_records_say_not_measured_yet_and_name_the_command()
    {
        using var ws = new ReportWorkspace();
        ws.Place(ReportSysbench.Experiment, ReportWorkspace.SysbenchFixture);
        var md = ReportGenerator.Generate(ws.Options()).Markdown;

        Assert.Contains("`dotnet build experiments/virtio-vs-e1000.proj -p:Profile=quick`", ReportWorkspace.Section(md, "C"));
        Assert.Contains("**Not measured yet.**", ReportWorkspace.Section(md, "C"));
        Assert.Contains("`dotnet build experiments/live-migration.proj -p:Profile=quick`", ReportWorkspace.Section(md, "D"));
        Assert.Contains("**Evidence not collected yet.**", ReportWorkspace.Section(md, "A"));
        Assert.Contains("| virtio-vs-e1000 | not measured yet |", md);
    }

    [Fact]
    public void A_shows_the_host_setup_evidence_verbatim_in_code_blocks()
    {
        using var ws = new ReportWorkspace();
        var a = ReportWorkspace.Section(RenderAll(ws).Markdown, "A");
        var routes = File.ReadAllText(Path.Combine(ReportWorkspace.HostSetupFixture, "routes.txt")).Trim();

        Assert.Contains("```text\n" + routes + "\n```", a);
        Assert.Contains("bridge_ports none", a);
        Assert.Contains("**10.1.1.254/24**", a);
        Assert.Contains("140.114.28.143/24", a);
        Assert.DoesNotContain("//)", a);
    }

    [Fact]
    public void G_and_H_cite_the_fault_matrix_from_the_records_and_say_nothing_of_faults_without_them()
    {
        using (var plain = new ReportWorkspace())
        {
            var md = RenderAll(plain).Markdown;
            Assert.DoesNotContain("Measured here: faults injected", ReportWorkspace.Section(md, "G"));
            Assert.DoesNotContain("fault matrix", ReportWorkspace.Section(md, "H"));
        }

        using var ws = new ReportWorkspace();
        ws.Place(ReportSysbench.Experiment, ReportWorkspace.SysbenchFixture);
        ws.Place(ReportIperf.Experiment, ReportWorkspace.IperfFixture);
        ws.Place(ReportMigration.Experiment, ReportWorkspace.MigrationFixture, ReportWorkspace.MigrationFaultsFixture);
        var output = ReportGenerator.Generate(ws.Options(hostSetup: ReportWorkspace.HostSetupFixture));
        var g = ReportWorkspace.Section(output.Markdown, "G");
        var h = ReportWorkspace.Section(output.Markdown, "H");

        // One row per fault, its cells the records' labels.
        var faults = Migration.MigrationRecords.IsFigure;
        var records = Records.RecordFile.Read(ReportWorkspace.MigrationFaultsFixture).Where(faults).ToList();
        string Label(string fault, string label) => records.First(r => r.Label("fault") == fault).Label(label)!;
        Assert.Contains("**Measured here: faults injected into a live migration.**", g);
        Assert.Contains($"| source QEMU killed (SIGKILL) mid pre-copy (`kill-source`) | failed | **lost** | — no guest left | `{Label("kill-source", "source_statuses")}`; `{Label("kill-source", "destination_statuses")}` — {Label("kill-source", "reason")} |", g);
        Assert.Contains($"(`postcopy-stream-cut`) | completed | **survived-on-destination** | yes | `{Label("postcopy-stream-cut", "source_statuses")}`; `{Label("postcopy-stream-cut", "destination_statuses")}` |", g);
        Assert.Contains($"(`stream-cut`) | cancelled | **survived-on-source** | yes |", g);
        Assert.Contains($"(`migrate-cancel`) | cancelled | **survived-on-source** | yes |", g);
        // H answers from G's table (no longer repeated as a list since issue 13): how many faults the guest survived, and which lost it.
        var faultsInjected = records.Where(r => r.Label("fault") is not null).GroupBy(r => r.Label("fault")).ToList();
        var survived = faultsInjected.Count(g => g.First().Label("guest_outcome") != Migration.GuestFate.Lost);
        Assert.Contains($"In this run's fault matrix (question G) the guest survived {survived} of {faultsInjected.Count} faults and was lost to *source QEMU killed (SIGKILL) mid pre-copy*.", h);
        Assert.StartsWith("**Answer.**", h[(h.IndexOf('\n', 1) + 1)..].TrimStart('\n'));
    }

    [Fact]
    public void D_and_F_link_their_full_tables_in_the_appendix_and_keep_their_charts()
    {
        using var ws = new ReportWorkspace();
        var output = RenderAll(ws);
        var d = ReportWorkspace.Section(output.Markdown, "D");
        var f = ReportWorkspace.Section(output.Markdown, "F");
        var dataD = ReportWorkspace.DataSection(output.DataMarkdown, "D");
        var dataF = ReportWorkspace.DataSection(output.DataMarkdown, "F");

        // Every migration, rendered from the records, in the appendix.
        Assert.Contains("| homework | 1 | iperf |", dataD);
        Assert.Contains("did-not-converge", dataD);
        Assert.Contains("(report-quick-data.md#d)", d);
        Assert.Contains("(report-quick-data.md#f)", f);
        // The figure table counts only figures (kind migration or workload), never series points.
        var records = Records.RecordFile.Read(Path.Combine(ws.Root, "results", "live-migration-quick", "records.ndjson"));
        Assert.Contains("| migration_total_time |", dataD);
        Assert.DoesNotContain("| ram_remaining |", dataD);
        Assert.Contains("| network_downtime |", dataF);
        // D's workloads over time and F's switch-over timeline sit in their questions.
        Assert.Contains("](charts/d-timeseries-quick.svg)", d);
        Assert.Contains("](charts/d-convergence-quick.svg)", d);
        Assert.Contains("](charts/f-ping-gaps-quick.svg)", f);
        // F's switch-over table: one row per completed migration, its numbers those of the records.
        double Figure(string workload, string metric) => records.Single(r => r.Label("workload") == workload && r.Metric == metric && r.Label("fault") is null).Value!.Value;
        var paused = (Figure("iperf", "migration_destination_resumed_at") - Figure("iperf", "migration_source_stopped_at")) * 1000;
        Assert.Contains(string.Create(CultureInfo.InvariantCulture,
            $"| homework | iperf | {Figure("iperf", "migration_downtime"):F0} | {paused:F0} | {Figure("iperf", "network_downtime"):F0} |"), dataF);
        Assert.Contains("*dirty-auto-converge (dirty-memory)*: the silence began", f);
        Assert.DoesNotContain("*homework", f);
        Assert.Contains("| ping_lost |", dataF);
        Assert.DoesNotContain("| migration_ram_transferred |", dataF);
    }

    [Fact]
    public void Charts_are_svg_files_linked_from_the_markdown_and_inline_in_the_html()
    {
        using var ws = new ReportWorkspace();
        var output = RenderAll(ws);

        Assert.Equal(["b-cpu", "b-memory", "c-throughput", "c-latency", "d-migration-time", "d-migration-downtime", "d-convergence", "d-timeseries", "f-ping-gaps"], output.Charts.Select(c => c.Id));
        // The fixture's dirty-default migration did not converge: its slot is drawn, labelled, with no bar.
        Assert.Contains("did-not-converge", output.Charts.Single(c => c.Id == "d-migration-time").Svg);
        foreach (var chart in output.Charts)
        {
            var file = Path.Combine(ws.Root, "results", "charts", chart.FileName);
            Assert.True(File.Exists(file), file);
            Assert.StartsWith("<svg xmlns=\"http://www.w3.org/2000/svg\"", File.ReadAllText(file));
            Assert.Contains($"](charts/{chart.FileName})", output.Markdown);
        }
        Assert.DoesNotContain("<svg", output.Markdown);
        Assert.Equal(output.Charts.Count, Regex.Matches(output.Html, "<svg ").Count);
    }

    [Fact]
    public void The_html_is_self_contained()
    {
        using var ws = new ReportWorkspace();
        var html = RenderAll(ws).Html;

        Assert.StartsWith("<!DOCTYPE html>", html);
        Assert.Contains("<style>", html);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<link", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotMatch(@"(src|href)=""https?://", html);
        Assert.Contains("<table>", html);
    }

    [Fact]
    public void A_broken_template_is_LAB0070_with_the_template_file_and_line()
    {
        using var ws = new ReportWorkspace();
        var templates = Path.Combine(ws.Root, "templates");
        Directory.CreateDirectory(templates);
        foreach (var file in Directory.GetFiles(ReportWorkspace.TemplateDir)) File.Copy(file, Path.Combine(templates, Path.GetFileName(file)));
        File.AppendAllText(Path.Combine(templates, "g-fault-tolerance.md.sbn"), "\n{{ for x in }}\n");
        ws.Place(ReportSysbench.Experiment, ReportWorkspace.SysbenchFixture);

        var e = Assert.Throws<LabException>(() => ReportGenerator.Render(ws.Options(templates: templates)));
        Assert.Equal(LabCodes.Template, e.Code);
        Assert.EndsWith("g-fault-tolerance.md.sbn", e.File);
        Assert.True(e.Line > 1);
    }

    [Fact]
    public void A_section_template_is_found_by_its_letter_so_the_words_after_it_change_nothing()
    {
        using var ws = new ReportWorkspace();
        var renamed = Path.Combine(ws.Root, "renamed-templates");
        Directory.CreateDirectory(renamed);
        foreach (var file in Directory.GetFiles(ReportWorkspace.TemplateDir))
        {
            var name = Path.GetFileName(file);
            // "c-virtio-vs-e1000.md.sbn" → "c-other-words.md.sbn"; "b-…" → "b.md.sbn" (no words at all).
            var target = name.Length > 1 && name[1] == '-' ? (name[0] == 'b' ? "b.md.sbn" : name[..2] + "other-words.md.sbn") : name;
            File.Copy(file, Path.Combine(renamed, target));
        }
        Assert.Contains(Path.Combine(renamed, "c-other-words.md.sbn"), Directory.GetFiles(renamed));
        ws.Place(ReportSysbench.Experiment, ReportWorkspace.SysbenchFixture);
        ws.Place(ReportIperf.Experiment, ReportWorkspace.IperfFixture);
        ws.Place(ReportMigration.Experiment, ReportWorkspace.MigrationFixture);

        var original = ReportGenerator.Render(ws.Options(hostSetup: ReportWorkspace.HostSetupFixture));
        var withOtherNames = ReportGenerator.Render(ws.Options(hostSetup: ReportWorkspace.HostSetupFixture, templates: renamed));

        Assert.Equal(original.Markdown, withOtherNames.Markdown);
        Assert.Equal(original.Html, withOtherNames.Html);
    }

    [Fact]
    public void Two_templates_for_one_section_letter_are_LAB0070_naming_both()
    {
        using var ws = new ReportWorkspace();
        var templates = Path.Combine(ws.Root, "templates");
        Directory.CreateDirectory(templates);
        foreach (var file in Directory.GetFiles(ReportWorkspace.TemplateDir)) File.Copy(file, Path.Combine(templates, Path.GetFileName(file)));
        File.WriteAllText(Path.Combine(templates, "h.md.sbn"), "## H. an old copy\n");

        var e = Assert.Throws<LabException>(() => ReportGenerator.Render(ws.Options(templates: templates)));
        Assert.Equal(LabCodes.Template, e.Code);
        Assert.Contains("h-migration-and-fault-tolerance.md.sbn", e.Message);
        Assert.Contains("h.md.sbn", e.Message);
        // "environment" is a section name too, not the letter e followed by words.
        Assert.EndsWith("e-why-live-migration.md.sbn", ReportGenerator.SectionTemplate(templates, "e"));
    }

    [Fact]
    public void The_default_profile_has_no_file_suffix()
    {
        Assert.Equal("", ReportGenerator.FileSuffix("default"));
        Assert.Equal("-quick", ReportGenerator.FileSuffix("quick"));
    }

    [Fact]
    public void The_RenderReport_task_writes_the_report_and_names_the_charts()
    {
        using var ws = new ReportWorkspace();
        ws.Place(ReportSysbench.Experiment, ReportWorkspace.SysbenchFixture);
        var o = ws.Options();
        var engine = new ReportBuildEngine();
        var task = new RenderReport
        {
            BuildEngine = engine,
            Profile = "quick",
            RecordFiles = o.RecordFiles.Select(f => (ITaskItem)new TaskItem(f.Path, new Dictionary<string, string> { ["Experiment"] = f.Experiment })).ToArray(),
            TemplateDirectory = o.TemplateDirectory,
            MarkdownFile = o.MarkdownFile,
            HtmlFile = o.HtmlFile,
            ChartsDirectory = o.ChartsDirectory,
            LabParameters = [new TaskItem("network.hostAddress", new Dictionary<string, string> { ["Value"] = "10.1.1.254/24" })],
        };

        Assert.True(task.Execute(), string.Join("\n", engine.Errors.Select(e => e.Message)));
        Assert.True(File.Exists(o.MarkdownFile));
        Assert.True(File.Exists(o.HtmlFile));
        Assert.Equal(2, task.Charts.Length);
        Assert.Contains(engine.Messages, m => m.Contains("not measured yet: virtio-vs-e1000, live-migration"));
        Assert.Contains("| `network.hostAddress` | 10.1.1.254/24 |", File.ReadAllText(o.MarkdownFile));
    }

    internal sealed class ReportBuildEngine : IBuildEngine
    {
        public List<BuildErrorEventArgs> Errors { get; } = [];
        public List<string> Messages { get; } = [];
        public bool ContinueOnError => false;
        public int LineNumberOfTaskNode => 0;
        public int ColumnNumberOfTaskNode => 0;
        public string ProjectFileOfTaskNode => "hw1.proj";
        public void LogErrorEvent(BuildErrorEventArgs e) => Errors.Add(e);
        public void LogWarningEvent(BuildWarningEventArgs e) { }
        public void LogMessageEvent(BuildMessageEventArgs e) => Messages.Add(e.Message ?? "");
        public void LogCustomEvent(CustomBuildEventArgs e) { }
        public bool BuildProjectFile(string projectFileName, string[] targetNames, System.Collections.IDictionary globalProperties, System.Collections.IDictionary targetOutputs) => false;
    }
}

/// <summary>Report rendering against the fixture records (real records from quick runs, see tests/fixtures/records/README.md).</summary>
public sealed class ReportWorkspace : IDisposable
{
    public ReportWorkspace()
    {
        Root = Path.Combine(Path.GetTempPath(), "virtlab-report-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    public static string FixtureDir => Path.Combine(AppContext.BaseDirectory, "fixtures", "records");
    public static string TemplateDir => Path.Combine(RepoCopy.FindRepoRoot(), "templates", "report");
    public static string SysbenchFixture => Path.Combine(FixtureDir, "kvm-vs-tcg-quick", "records.ndjson");
    public static string IperfFixture => Path.Combine(FixtureDir, "virtio-vs-e1000-quick", "records.ndjson");
    /// <summary>sockperf records constructed in the agreed schema (not measured; see the fixtures README), same experiment.</summary>
    public static string LatencyFixture => Path.Combine(FixtureDir, "virtio-vs-e1000-quick", "latency-constructed.ndjson");
    public static string MigrationFixture => Path.Combine(FixtureDir, "live-migration-quick", "records.ndjson");
    /// <summary>The fault scenarios' records of a real run (tests/fixtures/migration/README.md).</summary>
    public static string MigrationFaultsFixture => Path.Combine(AppContext.BaseDirectory, "fixtures", "migration", "records-faults.ndjson");
    public static string HostSetupFixture => Path.Combine(FixtureDir, "host-setup");

    /// <summary>Copies fixture records files, joined in order, to where an experiment of that name writes its one records file.</summary>
    public string Place(string experiment, string fixture, params string[] more)
    {
        var target = Path.Combine(Root, "results", experiment + "-quick", "records.ndjson");
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.Copy(fixture, target, overwrite: true);
        foreach (var file in more) File.AppendAllText(target, File.ReadAllText(file));
        var summary = Path.Combine(Path.GetDirectoryName(fixture)!, "summary.md");
        if (File.Exists(summary)) File.Copy(summary, Path.Combine(Path.GetDirectoryName(target)!, "summary.md"), overwrite: true);
        return target;
    }

    public string Write(string experiment, IEnumerable<Record> records)
    {
        var target = Path.Combine(Root, "results", experiment + "-quick", "records.ndjson");
        RecordFile.Write(target, records);
        return target;
    }

    public string RecordsPath(string experiment) => Path.Combine(Root, "results", experiment + "-quick", "records.ndjson");

    public ReportOptions Options(string? hostSetup = null, string? imported = null, string? templates = null) => new()
    {
        Profile = "quick",
        RecordFiles =
        [
            new(ReportSysbench.Experiment, RecordsPath(ReportSysbench.Experiment)),
            new(ReportIperf.Experiment, RecordsPath(ReportIperf.Experiment)),
            new(ReportMigration.Experiment, RecordsPath(ReportMigration.Experiment)),
        ],
        TemplateDirectory = templates ?? TemplateDir,
        MarkdownFile = Path.Combine(Root, "results", "report-quick.md"),
        HtmlFile = Path.Combine(Root, "results", "report-quick.html"),
        ChartsDirectory = Path.Combine(Root, "results", "charts"),
        HostSetupDirectory = hostSetup,
        ImportedRecordsFile = imported,
        KvmProbeDirectory = Path.Combine(Root, "no-probe-cache"),
        LabParameters = new SortedDictionary<string, string>
        {
            ["network.hostAddress"] = "10.1.1.254/24",
            ["network.guestAddress"] = "10.1.1.1",
            ["profiles.quick.repeats"] = "2",
        },
        Now = new DateTimeOffset(2026, 11, 25, 16, 0, 0, TimeSpan.Zero),
    };

    /// <summary>One question's part of the appendix (report-data.md): from its "## X" heading to the next "## ".</summary>
    public static string DataSection(string data, string letter)
    {
        var start = data.IndexOf($"\n## {letter}\n", StringComparison.Ordinal);
        Assert.True(start >= 0, $"no section {letter} in the appendix");
        var end = data.IndexOf("\n## ", start + 4, StringComparison.Ordinal);
        return end < 0 ? data[start..] : data[start..end];
    }

    /// <summary>The text of one question's section: from its "## X." heading to the next "## ".</summary>
    public static string Section(string markdown, string letter)
    {
        var start = markdown.IndexOf($"\n## {letter}.", StringComparison.Ordinal);
        Assert.True(start >= 0, $"no section {letter} in the report");
        var end = markdown.IndexOf("\n## ", start + 4, StringComparison.Ordinal);
        return end < 0 ? markdown[start..] : markdown[start..end];
    }

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
