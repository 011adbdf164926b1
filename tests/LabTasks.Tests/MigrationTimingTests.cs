using System.Diagnostics;
using System.Text.Json;
using VirtLab.Migration;
using VirtLab.Qemu;
using VirtLab.Records;
using VirtLab.Util;

namespace VirtLab.Tests;

/// <summary>
/// How a migration is timed: migration_elapsed on the migration's own monotonic clock until the
/// end was seen, the order elapsed ≥ QEMU's total ≥ QEMU's downtime (LAB0046 when broken), and
/// the outside view at a 5 ms ping, whose thousands of replies must not become thousands of records.
/// </summary>
public sealed class MigrationTimingTests
{
    private static readonly DateTimeOffset Origin = new(2026, 11, 25, 15, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_completed_migration_shorter_than_QEMUs_own_total_time_is_out_of_order()
    {
        // A real default run recorded this sysbench-cpu migration: elapsed stamped when the last
        // query-migrate went out, answered only after the switch-over.
        var disorder = MigrationTimeOrder.Violation(MigrationOutcome.Completed, 1.000526, 1575, null);
        Assert.NotNull(disorder);
        Assert.Contains("1.001 s", disorder);
        Assert.Contains("1575 ms", disorder);

        // The fixture's first iperf migration: 1.000526 s against QEMU's 945 ms is in order, if coarse.
        Assert.Null(MigrationTimeOrder.Violation(MigrationOutcome.Completed, 1.000526, 945, 41));
        // QEMU counts whole milliseconds from after the command arrived: within its rounding is in order.
        Assert.Null(MigrationTimeOrder.Violation(MigrationOutcome.Completed, 0.9445, 945, 41));
        Assert.NotNull(MigrationTimeOrder.Violation(MigrationOutcome.Completed, 0.9430, 945, 41));
        // A downtime longer than the whole migration cannot be right either.
        Assert.Contains("downtime 1200 ms is longer than its total time 945 ms", MigrationTimeOrder.Violation(MigrationOutcome.Completed, 2.0, 945, 1200));
        // Only a completed migration has a total time to order against.
        Assert.Null(MigrationTimeOrder.Violation(MigrationOutcome.DidNotConverge, 60.0, 61000, null));
        Assert.Null(MigrationTimeOrder.Violation(MigrationOutcome.Failed, 1.0, 1575, null));
    }

    [Fact]
    public void A_migration_out_of_order_is_warned_about_with_its_figures_and_labelled_in_every_record()
    {
        var bad = Run(Result(MigrationOutcome.Completed, elapsed: 1.000526, totalMs: 1575, downtimeMs: 37), Ping([]));
        var warning = MigrationTimeOrder.Warning(bad);
        Assert.NotNull(warning);
        Assert.Contains("Scenario 'homework' migration 2 (sysbench-cpu)", warning);
        Assert.Contains("migration_elapsed 1.001 s", warning);
        Assert.Contains("migration_total_time 1575 ms", warning);
        Assert.Contains("migration_downtime 37 ms", warning);
        Assert.Contains("raw/homework/m2-sysbench-cpu-migration.json", warning);
        var records = MigrationRecords.From(bad, new MigrationSettings(), new Dictionary<string, string> { ["experiment"] = "live-migration" });
        Assert.All(records, r => Assert.Equal("violated", r.Label("time_order")));

        var good = Run(Result(MigrationOutcome.Completed, elapsed: 1.62, totalMs: 1575, downtimeMs: 37), Ping([]));
        Assert.Null(MigrationTimeOrder.Warning(good));
        Assert.All(MigrationRecords.From(good, new MigrationSettings(), new Dictionary<string, string>()), r => Assert.Null(r.Label("time_order")));
        Assert.Contains(LabCodes.MigrationTimesOutOfOrder, LabCodes.All);
    }

    [Fact]
    public void The_end_is_the_first_sign_of_it_the_sources_event_or_the_reply_on_the_migrations_own_clock()
    {
        var beforeStart = Stopwatch.GetTimestamp();
        var clock = MigrationClock.Start();
        var half = Stopwatch.GetTimestamp() + Stopwatch.Frequency / 2;
        var two = Stopwatch.GetTimestamp() + 2 * Stopwatch.Frequency;
        QmpEvent Migration(string status, long at) =>
            new("MIGRATION", JsonDocument.Parse($"{{\"status\":\"{status}\"}}").RootElement.Clone(), Origin, Origin, at);
        var events = new[]
        {
            Migration("completed", beforeStart), // an earlier migration's event, before this clock started
            Migration("active", half),
            Migration("completed", two),
            new QmpEvent("MIGRATION", JsonDocument.Parse("{\"status\":\"completed\"}").RootElement.Clone(), Origin, Origin), // no monotonic stamp
        };

        var completedAt = clock.Received(events, "MIGRATION", "completed");
        Assert.NotNull(completedAt);
        Assert.InRange(completedAt.Value, 1.99, 2.01);
        Assert.InRange(clock.Received(events, "MIGRATION")!.Value, 0.49, 0.51);
        Assert.Null(clock.Received(events, "MIGRATION", "failed"));
        Assert.Null(clock.Received(events, "RESUME"));

        // The reply that said "completed" arrived at 2.6 s; the event at 2.0 s: the migration was seen to end at 2.0 s.
        Assert.Equal(2.0, MigrationClock.EndObserved(2.6, 2.0));
        Assert.Equal(2.6, MigrationClock.EndObserved(2.6, null));
        Assert.Equal(2.6, MigrationClock.EndObserved(2.6, 3.1));
        Assert.True(clock.Seconds >= 0);
        Assert.True(Math.Abs((clock.StartedAt - DateTimeOffset.UtcNow).TotalSeconds) < 60);
    }

    [Fact]
    public void Every_shipped_profile_pings_every_5_ms_and_reads_iperf3_every_tenth_of_a_second()
    {
        var file = Path.Combine(RepoCopy.FindRepoRoot(), "experiments", "lab.yaml");
        var lab = Config.LabConfigLoader.Load(file);
        Assert.Equal(["default", "quick", "thorough"], lab.Profiles.Keys.Order());
        Assert.All(lab.Profiles.Values, p => Assert.Equal(5, p.Migration.PingIntervalMilliseconds));
        Assert.All(lab.Profiles.Values, p => Assert.Equal(100, p.Migration.IperfIntervalMilliseconds));
        Assert.Equal(5, new Config.MigrationConfig().PingIntervalMilliseconds);
        Assert.Equal(100, new Config.MigrationConfig().IperfIntervalMilliseconds);

        // iperf3 reports at most every 0.1 s; a ping interval is at least 1 ms.
        var yaml = File.ReadAllText(file);
        var fast = Assert.Throws<LabException>(() => Config.LabConfigLoader.Parse(yaml.Replace("iperfIntervalMilliseconds: 100", "iperfIntervalMilliseconds: 50"), "lab.yaml"));
        Assert.StartsWith("profiles.default.migration.iperfIntervalMilliseconds", fast.Message);
        var zero = Assert.Throws<LabException>(() => Config.LabConfigLoader.Parse(yaml.Replace("pingIntervalMilliseconds: 5", "pingIntervalMilliseconds: 0"), "lab.yaml"));
        Assert.StartsWith("profiles.default.migration.pingIntervalMilliseconds", zero.Message);
    }

    [Fact]
    public void A_gap_is_a_silence_of_three_intervals_but_at_least_60_ms()
    {
        Assert.Equal(60, PingAnalysis.GapThresholdMs(5));
        Assert.Equal(60, PingAnalysis.GapThresholdMs(20));
        Assert.Equal(300, PingAnalysis.GapThresholdMs(100));
        Assert.Throws<ArgumentOutOfRangeException>(() => PingProbe.Start("", System.Net.IPAddress.Loopback, TimeSpan.FromMilliseconds(0.5)));
    }

    [Fact]
    public void A_60_s_migration_pinged_every_5_ms_gives_its_downtime_to_5_ms_and_a_few_records_not_one_per_reply()
    {
        // 3 s lead, a 60 s migration, 5 s tail at 5 ms: 13,600 pings. Every 2 s the busy host holds the
        // replies of 40 ms back (they arrive together); the guest pauses from 30.010 to 30.070 s and the
        // replies due from 30.000 to 30.090 s are lost.
        const double stop = 30.010, resume = 30.070;
        var replies = new List<PingReply>();
        for (var seq = 0; seq < 13_600; seq++)
        {
            var k = seq - 600; // 5 ms steps from the migrate command
            if (k is >= 6000 and < 6018) continue;
            var t = k / 200.0;
            var stall = Math.Floor(t / 2) * 2 + 1; // a stall from 1 s into every 2 s
            var arrives = t >= stall && t < stall + 0.040 ? stall + 0.040 : t;
            replies.Add(new PingReply(seq, Origin.AddSeconds(arrives), 0.4));
        }

        var ping = PingProbe.Analyse(replies, Origin, TimeSpan.FromMilliseconds(5));
        Assert.Equal(13_600, ping.Sent);
        Assert.Equal(18, ping.Lost);
        var gap = Assert.Single(ping.Gaps); // the stalls (45 ms) are jitter, not gaps
        Assert.Equal(18, gap.MissingReplies);
        var silence = ping.SilenceAcross(stop, resume)!;
        Assert.Equal(95, silence.Milliseconds, 3); // 29.995 → 30.090: the 60 ms pause, seen to within the interval and the loss around it
        Assert.Equal(95, ping.MaxGapMs!.Value, 3);

        var run = Run(Result(MigrationOutcome.Completed, elapsed: 60.2, totalMs: 60100, downtimeMs: 60,
            events: [new MigrationEvent(stop, "source", "STOP", ""), new MigrationEvent(resume, "destination", "RESUME", "")]), ping);
        var records = MigrationRecords.From(run, new MigrationSettings(), new Dictionary<string, string> { ["ping_interval_ms"] = "5" });
        Assert.Single(records, r => r.Metric == "ping_gap");
        Assert.Equal(13_600, records.Single(r => r.Metric == "ping_sent").Value);
        Assert.Equal(95, records.Single(r => r.Metric == "network_downtime").Value!.Value, 3);
        Assert.InRange(records.Count, 1, 40);
    }

    private static PingAnalysis Ping(IReadOnlyList<PingReply> replies) => PingProbe.Analyse(replies, Origin, TimeSpan.FromMilliseconds(5));

    private static MigrationResult Result(string outcome, double elapsed, double? totalMs, double? downtimeMs, IReadOnlyList<MigrationEvent>? events = null) =>
        new("mig-1", "mig-2", outcome, null, new MigrationParameters(300, 128L << 20, 64L << 20, 2), Origin, elapsed, totalMs, downtimeMs, 1,
            140L << 20, 3, null, null, [MigrationSample.From(JsonDocument.Parse("{\"status\":\"completed\"}").RootElement, elapsed)], events ?? []);

    private static MigrationRun Run(MigrationResult result, PingAnalysis ping) =>
        new("homework", 2, "sysbench-cpu", "52:54:00:1a:01:00", "tap-mig-1", "tap-mig-2", null, new WorkloadRun("idle", "", "", 0, [], null, "", []),
            result, ping, [], "tap-mig-1", "tap-mig-2", true, new IntegrityReport(true, [], ""), null);
}
