using System.Globalization;
using VirtLab.Records;
using VirtLab.Stats;

namespace VirtLab.Tests;

/// <summary>
/// The README's main command, experiments/hw1.proj, in a copy of the tree with the quick profile.
/// Only kvm-vs-tcg is measured (-p:Experiments) to keep it to about a minute; the other
/// experiments have their own end-to-end tests, and their questions must then say "not measured yet".
/// </summary>
[Collection(EndToEnd.Collection)]
public sealed class Hw1EndToEndTests
{
    private const string Project = "experiments/hw1.proj";
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(10);

    [Fact]
    public void The_main_job_measures_renders_the_report_and_renders_again_only_when_an_input_changes()
    {
        using var copy = new RepoCopy();
        var first = copy.Build(BuildTimeout, Project, "-p:Profile=quick", "-p:Experiments=kvm-vs-tcg");
        Assert.True(first.Succeeded, first.StandardOutput);

        var results = Path.Combine(copy.Root, "results");
        var markdownFile = Path.Combine(results, "report-quick.md");
        var markdown = File.ReadAllText(markdownFile);
        foreach (var letter in new[] { "A", "B", "C", "D", "E", "F", "G", "H" })
            ReportWorkspace.Section(markdown, letter);
        Assert.StartsWith("<!DOCTYPE html>", File.ReadAllText(Path.Combine(results, "report-quick.html")));
        Assert.True(File.Exists(Path.Combine(results, "charts", "b-cpu-quick.svg")));
        Assert.True(File.Exists(Path.Combine(results, "kvm-vs-tcg-quick", "records.csv")));
        // B quotes the TCG median of the records this build wrote.
        var records = RecordFile.Read(Path.Combine(results, "kvm-vs-tcg-quick", "records.ndjson"));
        var tcg = SampleStatistics.From(records.Where(r => r.Label("accel") == "tcg" && r.Label("workload") == "cpu" && r.Metric == "events_per_second")
            .Select(r => r.Value!.Value)).Median;
        Assert.Contains($"**{tcg.ToString("F2", CultureInfo.InvariantCulture)} events/s**", ReportWorkspace.Section(markdown, "B"));
        Assert.Contains("Not measured yet", ReportWorkspace.Section(markdown, "D"));

        // Nothing changed: nothing is measured and the report is not rendered again.
        var rendered = File.GetLastWriteTimeUtc(markdownFile);
        var second = copy.Build(BuildTimeout, Project, "-p:Profile=quick", "-p:Experiments=kvm-vs-tcg", "-v:n");
        Assert.True(second.Succeeded, second.StandardOutput);
        Assert.DoesNotContain("repeat 1/", second.StandardOutput);
        Assert.Contains("Skipping target \"_VirtLabRenderReport\" because all output files are up-to-date", second.StandardOutput);
        Assert.Equal(rendered, File.GetLastWriteTimeUtc(markdownFile));

        // A template changed: the report is rendered again from the same records, nothing is measured.
        File.AppendAllText(Path.Combine(copy.Root, "templates", "report", "h-migration-and-fault-tolerance.md.sbn"), "\nA line added by the end-to-end test.\n");
        var third = copy.Build(BuildTimeout, Project, "-p:Profile=quick", "-p:Experiments=kvm-vs-tcg");
        Assert.True(third.Succeeded, third.StandardOutput);
        Assert.DoesNotContain("repeat 1/", third.StandardOutput);
        Assert.Contains("A line added by the end-to-end test.", File.ReadAllText(markdownFile));

        // -p:CompareWith: this run against a copy of itself — every figure measured in both, none called different.
        var baseline = Path.Combine(copy.Root, "baseline-results");
        Directory.CreateDirectory(Path.Combine(baseline, "kvm-vs-tcg-quick"));
        File.Copy(Path.Combine(results, "kvm-vs-tcg-quick", "records.ndjson"), Path.Combine(baseline, "kvm-vs-tcg-quick", "records.ndjson"));
        var compared = copy.Build(BuildTimeout, Project, "-p:Profile=quick", "-p:Experiments=kvm-vs-tcg", $"-p:CompareWith={baseline}");
        Assert.True(compared.Succeeded, compared.StandardOutput);
        Assert.DoesNotContain("repeat 1/", compared.StandardOutput);
        var comparison = File.ReadAllText(Path.Combine(results, "compare-quick.md"));
        Assert.Contains("## kvm-vs-tcg", comparison);
        Assert.Contains("**0 better**, **0 worse**", comparison);
        Assert.True(File.Exists(Path.Combine(results, "kvm-vs-tcg-quick", "compare.md")));
        Assert.Contains("## Compared with baseline-results", File.ReadAllText(markdownFile));

        // A misspelt experiment is an error that names the ones there are.
        var wrong = copy.Build(BuildTimeout, Project, "-p:Profile=quick", "-p:Experiments=kvm-vs-tgc");
        Assert.False(wrong.Succeeded);
        Assert.Contains("error LAB0005", wrong.StandardOutput);
        Assert.Contains("kvm-vs-tcg, virtio-vs-e1000, live-migration", wrong.StandardOutput);
    }
}
