using System.Text.RegularExpressions;
using VirtLab.Lab;
using VirtLab.Records;

namespace VirtLab.Tests;

/// <summary>
/// Real `dotnet build`s of kvm-vs-tcg (quick profile, host cells only, so no guest boots) in one copy
/// of the tree, restored and with its guest image built once: two builds at once take turns on the
/// host lock; with MSBuild node reuse on, the lab and the lock still end with the build.
/// </summary>
[Collection(EndToEnd.Collection)]
public sealed class HostLockEndToEndTests(HostLockEndToEndTests.HostOnlyTree tree) : IClassFixture<HostLockEndToEndTests.HostOnlyTree>
{
    private const string Project = "experiments/kvm-vs-tcg.proj";
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(5);

    [Fact]
    public void Two_builds_of_one_experiment_started_together_measure_one_after_the_other()
    {
        var results = Path.Combine(tree.Copy.Root, "results", "kvm-vs-tcg-quick");
        using var a = tree.Copy.StartBuild(Project, "-p:Profile=quick");
        using var b = tree.Copy.StartBuild(Project, "-p:Profile=quick");
        var ra = a.WaitForExit(BuildTimeout);
        var rb = b.WaitForExit(BuildTimeout);
        Assert.True(ra.Succeeded, ra.StandardOutput);
        Assert.True(rb.Succeeded, rb.StandardOutput);

        const string Waiting = "waiting for the host lock (one measurement at a time per host)";
        var (holder, waiterOutput, holderOutput) = ra.StandardOutput.Contains(Waiting) ? (b, ra.StandardOutput, rb.StandardOutput) : (a, rb.StandardOutput, ra.StandardOutput);
        Assert.Contains($"{Waiting}: build {holder.Pid} (experiment kvm-vs-tcg, profile quick) has held it since", waiterOutput);
        Assert.DoesNotContain(Waiting, holderOutput);
        // The waiter finds the cells measured by the other build: each is measured once.
        Assert.Contains("cell(s) were measured meanwhile by the build that held the host lock; not measured again.", waiterOutput);
        Assert.Single(Regex.Matches(ra.StandardOutput + rb.StandardOutput, "host cpu repeat 1/2"));
        Assert.Single(Regex.Matches(ra.StandardOutput + rb.StandardOutput, "host memory repeat 1/2"));

        var records = RecordFile.Read(Path.Combine(results, "records.ndjson"));
        foreach (var (workload, metric) in new[] { ("cpu", "events_per_second"), ("memory", "transfer_rate") })
        {
            var samples = records.Where(r => r.Label("accel") == "host" && r.Label("workload") == workload && r.Metric == metric).ToList();
            Assert.Equal(["1", "2"], samples.Select(r => r.Label("repeat")).Order());
            Assert.All(samples, r => Assert.True(r.Value > 0));
            Assert.All(samples, r => Assert.True(File.Exists(Path.Combine(results, "raw", r.Label("raw")!))));
        }
        Assert.Empty(Directory.GetFiles(tree.Copy.Root, "*.tmp", SearchOption.AllDirectories));
        AssertLockFree();
    }

    [Fact]
    public void With_node_reuse_on_the_lab_and_the_lock_end_with_the_build_while_the_node_lives_on()
    {
        var tag = Guid.NewGuid().ToString("N");
        var environment = new Dictionary<string, string>
        {
            ["MSBUILDDISABLENODEREUSE"] = "0",
            ["MSBUILDNOINPROCNODE"] = "1", // every project and task host under a worker node, as an IDE or a -m build has it
            ["VIRTLAB_TEST_NODES"] = tag,   // to find (and stop) the nodes these builds leave
            ["MSBUILDNODEHANDSHAKESALT"] = tag, // and to reuse only those, not a node left by any other build
        };
        var nodesAfter = new List<List<int>>();
        try
        {
            for (var build = 1; build <= 2; build++)
            {
                // Bring the lab up and take the lock, then end without teardown or release: as if killed.
                var (exitCode, output, pid) = BuildLoggingToFile(environment, Project, "-p:Profile=quick", "-t:_VirtLabAcquireHostLock;VirtLabLabUp", "-v:n");
                Assert.True(exitCode == 0, output);
                Assert.True(output.Contains($"owned by build process {pid}.", StringComparison.Ordinal), $"build {build}: the lab's owner must be the dotnet build process {pid}:\n{output}");
                EndToEnd.AssertLabGone($"virtlab-kvm-vs-tcg-{pid}", tree.Copy.Root);
                AssertLockFree();
                nodesAfter.Add(WorkerNodes(tag));
            }
            // The second build ran on the node the first one started, which outlived both.
            Assert.NotEmpty(nodesAfter[0].Intersect(nodesAfter[1]));
        }
        finally
        {
            foreach (var node in WorkerNodes(tag))
                try { System.Diagnostics.Process.GetProcessById(node).Kill(); } catch (Exception e) when (e is ArgumentException or InvalidOperationException) { }
        }
    }

    private static void AssertLockFree()
    {
        var hostLock = new HostLock();
        var token = hostLock.Acquire(Environment.ProcessId, "test", "quick", TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30), _ => { });
        hostLock.Release(token);
    }

    private static List<int> WorkerNodes(string tag)
    {
        var mark = System.Text.Encoding.UTF8.GetBytes($"VIRTLAB_TEST_NODES={tag}");
        var nodes = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid) || !(OwnerProcess.CommandLine(pid) ?? "").Contains("nodemode:1")) continue;
            try { if (LabHelperMark.HasEntry(File.ReadAllBytes(Path.Combine(dir, "environ")), mark)) nodes.Add(pid); }
            catch (IOException) { }
        }
        return nodes;
    }

    /// <summary>
    /// A build whose output goes to a file, not a pipe: a worker node inherits the build's output and,
    /// reused, keeps it open for its whole idle life, so a pipe's end would never come.
    /// </summary>
    private (int ExitCode, string Output, int Pid) BuildLoggingToFile(IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var log = Path.Combine(tree.Copy.Root, $"build-{Guid.NewGuid():N}.log");
        var psi = new System.Diagnostics.ProcessStartInfo("setsid") { WorkingDirectory = tree.Copy.Root, UseShellExecute = false };
        foreach (var a in (string[])["sh", "-c", "exec dotnet build \"$@\" -nologo -clp:NoSummary >\"$0\" 2>&1", log, .. arguments]) psi.ArgumentList.Add(a);
        foreach (var (name, value) in environment) psi.Environment[name] = value;
        using var build = System.Diagnostics.Process.Start(psi)!;
        if (!build.WaitForExit(BuildTimeout))
        {
            build.Kill();
            throw new TimeoutException(File.ReadAllText(log));
        }
        var output = File.ReadAllText(log);
        File.Delete(log);
        return (build.ExitCode, output, build.Id);
    }

    /// <summary>A copy of the tree whose kvm-vs-tcg measures only host cells, restored and with its guest image built.</summary>
    public sealed class HostOnlyTree : IDisposable
    {
        public HostOnlyTree()
        {
            Copy = new RepoCopy();
            var proj = Path.Combine(Copy.Root, Project);
            File.WriteAllText(proj, File.ReadAllText(proj)
                .Replace("<Accelerator Include=\"kvm\" />", "").Replace("<Accelerator Include=\"tcg\" />", ""));
            // Long enough a measurement that a build started with it surely overlaps it.
            var lab = Path.Combine(Copy.Root, "experiments", "lab.yaml");
            File.WriteAllText(lab, File.ReadAllText(lab).Replace("cpuEvents: 1000\n", "cpuEvents: 2000\n"));
            var prepared = Copy.Build(BuildTimeout, Project, "-p:Profile=quick", "-t:VirtLabGuestImage");
            if (!prepared.Succeeded) throw new InvalidOperationException(prepared.StandardOutput);
        }

        public RepoCopy Copy { get; }

        public void Dispose() => Copy.Dispose();
    }
}
