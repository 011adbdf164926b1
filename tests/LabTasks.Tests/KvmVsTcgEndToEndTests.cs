using System.Text.RegularExpressions;
using VirtLab.Records;
using VirtLab.Util;

namespace VirtLab.Tests;

/// <summary>
/// Builds experiments/kvm-vs-tcg.proj with the quick profile in a copy of the tree: real guests,
/// real sysbench. Slow (about a minute each), so there are only these.
/// </summary>
[Collection(EndToEnd.Collection)]
public sealed class KvmVsTcgEndToEndTests
{
    private const string Project = "experiments/kvm-vs-tcg.proj";
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(10);

    [Fact]
    public void Quick_build_writes_records_and_summary_and_a_second_build_measures_nothing()
    {
        using var copy = new RepoCopy();
        var first = copy.Build(BuildTimeout, Project, "-p:Profile=quick");
        Assert.True(first.Succeeded, first.StandardOutput);

        var results = Path.Combine(copy.Root, "results", "kvm-vs-tcg-quick");
        var records = RecordFile.Read(Path.Combine(results, "records.ndjson"));
        foreach (var record in records)
        {
            Assert.Equal("kvm-vs-tcg", record.Label("experiment"));
            Assert.Contains(record.Label("accel"), new[] { "host", "kvm", "tcg" });
            Assert.NotNull(record.Label("workload"));
            Assert.NotNull(record.Label("host_fingerprint"));
            Assert.NotNull(record.Label("host_virt"));
            // Every guest boots with lab.yaml's guest.kernelArguments, as the live-migration guests do.
            if (record.Label("accel") is "tcg" or "kvm" && !record.IsUnavailable) Assert.Equal("pti=on", record.Label("guest_kernel_args"));
        }
        // Host and TCG are measured on every machine: 2 repeats (quick profile) of each workload.
        foreach (var accel in new[] { "host", "tcg" })
            foreach (var (workload, metric) in new[] { ("cpu", "events_per_second"), ("memory", "transfer_rate") })
            {
                var samples = records.Where(r => r.Label("accel") == accel && r.Label("workload") == workload && r.Metric == metric).ToList();
                Assert.Equal(["1", "2"], samples.Select(r => r.Label("repeat")).Order());
                Assert.All(samples, r => Assert.True(r.Value > 0, $"{accel} {workload} {metric} = {r.Value}"));
                Assert.All(samples, r => Assert.Equal("1.0.20", r.Label("tool_version")));
                Assert.All(samples, r => Assert.True(File.Exists(Path.Combine(results, "raw", r.Label("raw")!))));
            }
        // KVM is either measured or recorded unavailable with the probe's reason — never missing.
        var kvm = records.Where(r => r.Label("accel") == "kvm").ToList();
        Assert.NotEmpty(kvm);
        Assert.All(kvm.Where(r => r.IsUnavailable), r => Assert.StartsWith("KVM unavailable:", r.Label("reason")));
        var summary = File.ReadAllText(Path.Combine(results, "summary.md"));
        Assert.Contains("| tcg | 2 |", summary);
        Assert.Matches(new Regex(@"\| kvm \| (0 \| unavailable|2 \|)"), summary);

        var resultTimes = Directory.GetFiles(results, "*.ndjson").ToDictionary(f => f, File.GetLastWriteTimeUtc);
        var second = copy.Build(BuildTimeout, Project, "-p:Profile=quick", "-v:n");
        Assert.True(second.Succeeded, second.StandardOutput);
        Assert.DoesNotContain("repeat 1/", second.StandardOutput);
        Assert.DoesNotContain("answered SSH", second.StandardOutput);
        Assert.Contains("Skipping target \"_VirtLabSelectStaleCells\" because all output files are up-to-date", second.StandardOutput);
        Assert.All(resultTimes, kv => Assert.Equal(kv.Value, File.GetLastWriteTimeUtc(kv.Key)));

        // One parameter changes: only the cells that depend on it are measured again.
        var lab = Path.Combine(copy.Root, "experiments", "lab.yaml");
        File.WriteAllText(lab, File.ReadAllText(lab).Replace("memoryTotalSize: 512M", "memoryTotalSize: 384M"));
        var third = copy.Build(BuildTimeout, Project, "-p:Profile=quick");
        Assert.True(third.Succeeded, third.StandardOutput);
        Assert.Contains("host memory repeat 1/2", third.StandardOutput);
        Assert.Contains("tcg memory repeat 1/2", third.StandardOutput);
        Assert.DoesNotContain("cpu repeat", third.StandardOutput);

        // The same experiment on Debian's backported QEMU (fetched into the cache once, never
        // installed): its guest cells are measured under their own names; the host's use no QEMU.
        var tcgCpu = Path.Combine(results, "tcg-cpu.ndjson");
        var distroTime = File.GetLastWriteTimeUtc(tcgCpu);
        var backports = copy.Build(BuildTimeout, Project, "-p:Profile=quick", "-p:QemuBuild=debian-backports");
        Assert.True(backports.Succeeded, backports.StandardOutput);
        Assert.Matches(@"QEMU build 'debian-backports': 10\.[0-9.]+ at ", backports.StandardOutput);
        Assert.Contains("tcg cpu repeat 1/2", backports.StandardOutput);
        Assert.DoesNotContain("host cpu repeat", backports.StandardOutput);
        var onBackports = RecordFile.Read(Path.Combine(results, "tcg-cpu-debian-backports.ndjson"));
        Assert.All(onBackports, r => Assert.Equal("debian-backports", r.Label("qemu_build")));
        Assert.All(onBackports, r => Assert.StartsWith("10.", r.Label("qemu_version")));
        Assert.Equal(2, onBackports.Count(r => r.Metric == "events_per_second" && r.Value > 0));
        Assert.Equal(distroTime, File.GetLastWriteTimeUtc(tcgCpu));
        Assert.DoesNotContain(RecordFile.Read(Path.Combine(results, "host-cpu.ndjson")), r => r.Label("qemu_build") is not null);
        var qemuCache = Path.Combine(Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg ? xdg : Path.Combine(Environment.GetEnvironmentVariable("HOME")!, ".cache"), "virtlab", "qemu");
        Assert.Empty(Directory.GetDirectories(qemuCache, ".partial-*"));

        var clean = copy.Build(BuildTimeout, Project, "-p:Profile=quick", "-t:Clean");
        Assert.True(clean.Succeeded, clean.StandardOutput);
        Assert.False(Directory.Exists(results), "-t:Clean must remove the experiment's results");
    }

    [Fact]
    public void Ctrl_C_during_measurement_leaves_nothing_behind_and_the_next_build_measures_again()
    {
        using var copy = new RepoCopy();
        using (var build = copy.StartBuild(Project, "-p:Profile=quick"))
        {
            Assert.True(build.WaitForOutput("(-accel tcg) answered SSH", BuildTimeout), build.Output);
            var lab = $"virtlab-kvm-vs-tcg-{build.Pid}";
            Assert.True(File.Exists($"/var/run/netns/{lab}"), $"lab namespace {lab} should exist while measuring");

            build.SendToGroup("INT");
            var interrupted = build.WaitForExit(TimeSpan.FromMinutes(2));
            Assert.False(interrupted.Succeeded);

            EndToEnd.AssertLabGone(lab, copy.Root);
        }
        var tcgCpu = Path.Combine(copy.Root, "results", "kvm-vs-tcg-quick", "tcg-cpu.ndjson");
        var tcgMemory = Path.Combine(copy.Root, "results", "kvm-vs-tcg-quick", "tcg-memory.ndjson");
        Assert.False(File.Exists(tcgCpu) && File.Exists(tcgMemory), "an interrupted TCG measurement must not leave both TCG results");
        Assert.Empty(Directory.GetFiles(Path.Combine(copy.Root, "results"), "*.tmp", SearchOption.AllDirectories));

        var next = copy.Build(BuildTimeout, Project, "-p:Profile=quick");
        Assert.True(next.Succeeded, next.StandardOutput);
        Assert.Contains("tcg memory repeat 2/2", next.StandardOutput);
        Assert.DoesNotContain("host cpu repeat", next.StandardOutput);
        Assert.True(File.Exists(tcgCpu) && File.Exists(tcgMemory));
    }

    [Fact]
    public void A_killed_build_leaves_no_guest_or_namespace_behind()
    {
        using var copy = new RepoCopy();
        using var build = copy.StartBuild(Project, "-p:Profile=quick");
        Assert.True(build.WaitForOutput("(-accel tcg) answered SSH", BuildTimeout), build.Output);
        var lab = $"virtlab-kvm-vs-tcg-{build.Pid}";
        build.SendToGroup("KILL");
        build.WaitForExit(TimeSpan.FromSeconds(30));
        EndToEnd.AssertLabGone(lab, copy.Root);
    }
}

[CollectionDefinition(Collection, DisableParallelization = true)]
public static class EndToEnd
{
    public const string Collection = "end-to-end (real guests)";

    /// <summary>The watchdog polls twice a second; give it a bounded moment, then nothing may remain.</summary>
    public static void AssertLabGone(string lab, string treeRoot)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline && (File.Exists($"/var/run/netns/{lab}") || QemuProcessesOf(treeRoot).Count > 0 || Directory.Exists($"/run/virtlab/{lab}")))
            Thread.Sleep(250);
        Assert.False(File.Exists($"/var/run/netns/{lab}"), $"namespace {lab} is still there");
        Assert.Empty(QemuProcessesOf(treeRoot));
        Assert.False(Directory.Exists($"/run/virtlab/{lab}"), "the lab's bookkeeping folder is still there");
    }

    public static List<string> QemuProcessesOf(string treeRoot) =>
        Directory.GetDirectories("/proc")
            .Select(d => Path.GetFileName(d))
            .Where(p => p.All(char.IsAsciiDigit))
            .Select(p => { try { return File.ReadAllText($"/proc/{p}/cmdline").Replace('\0', ' '); } catch (IOException) { return ""; } catch (UnauthorizedAccessException) { return ""; } })
            // argv[0] is the build's binary: /usr/bin/qemu-system-x86_64, or a fetched build's under ~/.cache/virtlab/qemu/.
            .Where(c => Path.GetFileName(c.Split(' ')[0]).StartsWith("qemu-system", StringComparison.Ordinal) && c.Contains(treeRoot, StringComparison.Ordinal))
            .ToList();
}
