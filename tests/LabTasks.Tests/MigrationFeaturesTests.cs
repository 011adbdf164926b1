using System.Text.Json;
using VirtLab.Migration;
using VirtLab.Qemu;
using VirtLab.Records;
using VirtLab.Report;
using VirtLab.Util;

namespace VirtLab.Tests;

/// <summary>
/// What a QEMU build offers for migration, read from the real answers of QEMU 7.2.22 (Debian 12)
/// and 10.0.2 (bookworm-backports) in tests/fixtures/qmp/, and what VirtLab makes of it: the
/// capabilities it sends, the scenarios it plans, and those it records as unavailable.
/// </summary>
public sealed class MigrationFeaturesTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Sample = TimeSpan.FromMilliseconds(250);

    private static string FixturePath(string name) => Path.Combine(AppContext.BaseDirectory, "fixtures", "qmp", name);

    private static JsonElement Json(string name) => JsonDocument.Parse(File.ReadAllText(FixturePath(name))).RootElement;

    /// <summary>The features of a captured build ("7.2" or "10.0"): its query replies, its version from its own greeting.</summary>
    internal static MigrationFeatures Load(string build) =>
        MigrationFeatures.From(Json($"query-migrate-capabilities-{build}.json"), Json($"query-migrate-parameters-{build}.json"),
            QmpClient.VersionOf(Json($"qmp-greeting-{build}.json").GetProperty("QMP")));

    /// <summary>A captured refusal as QmpClient.TryExecute returns it.</summary>
    private static QmpError Refusal(string command, string fixture)
    {
        var error = Json(fixture).GetProperty("error");
        return new QmpError(command, error.GetProperty("class").GetString()!, error.GetProperty("desc").GetString()!);
    }

    private static MigrationSettings Settings(string capabilities, string zeroPage = "", string dirtyLimit = "", string period = "", string scenario = "s") =>
        MigrationSettings.Parse(scenario, capabilities, "", "", "", "", Deadline, Sample, zeroPage, dirtyLimit, period);

    private static Dictionary<string, bool> States(MigrationSettings s, bool destination, MigrationFeatures f) =>
        s.CapabilityStates(destination, f).ToDictionary(c => (string)c["capability"], c => (bool)c["state"]);

    [Fact]
    public void Each_build_offers_what_its_own_replies_list()
    {
        var old = Load("7.2");
        var backports = Load("10.0");
        Assert.Equal("7.2.22", old.QemuVersion);
        Assert.Equal("10.0.2", backports.QemuVersion);
        // Every name QEMU listed is kept, not only those VirtLab sets.
        Assert.Equal(Json("query-migrate-capabilities-7.2.json").GetArrayLength(), old.Capabilities.Count);
        Assert.Equal(Json("query-migrate-parameters-10.0.json").EnumerateObject().Count(), backports.Parameters.Count);
        Assert.Contains("compress", old.Capabilities);
        Assert.DoesNotContain("compress", backports.Capabilities);

        Assert.True(old.Offers("postcopy-preempt"), "QEMU 7.1 added postcopy-preempt: 7.2 lists it");
        Assert.False(old.Offers("dirty-limit"));
        Assert.False(old.OffersParameter("zero-page-detection"));
        Assert.False(old.OffersParameter("vcpu-dirty-limit"));
        Assert.False(old.OffersParameter("x-vcpu-dirty-limit-period"));
        foreach (var cap in MigrationSettings.KnownCapabilities)
            Assert.True(backports.Offers(cap), $"10.0 offers {cap}");
        foreach (var parameter in new[] { "zero-page-detection", "vcpu-dirty-limit", "x-vcpu-dirty-limit-period", "max-postcopy-bandwidth" })
            Assert.True(backports.OffersParameter(parameter), $"10.0 offers {parameter}");
        // The defaults come with the names: 10.0 detects zero pages in the multifd threads unless told otherwise.
        Assert.Equal("multifd", backports.ParameterValues.GetProperty("zero-page-detection").GetString());
        Assert.Equal(1000, backports.ParameterValues.GetProperty("x-vcpu-dirty-limit-period").GetInt32());

        // Each catalogue entry that a build lacks was introduced after it; each one 7.2 has, before or in 7.2.
        foreach (var feature in MigrationFeatures.Catalogue)
        {
            var offered = feature.IsCapability ? old.Offers(feature.Name) : old.OffersParameter(feature.Name);
            Assert.True(offered == (Version.Parse(feature.Since) <= new Version(7, 2)), $"{feature} since {feature.Since}, offered by 7.2: {offered}");
        }

        Assert.Contains("dirty-limit", backports.Describe());
        Assert.DoesNotContain("dirty-limit", old.Describe());
        Assert.Throws<LabException>(() => MigrationFeatures.From(Json("query-migrate-parameters-7.2.json"), Json("query-migrate-capabilities-7.2.json"), "7.2.22"));
    }

    [Fact]
    public void Capability_states_name_only_what_the_build_offers()
    {
        var old = Load("7.2");
        var backports = Load("10.0");
        var scenarios = new[] { "", "auto-converge", "postcopy-ram", "xbzrle", "multifd", "postcopy-ram;postcopy-preempt", "postcopy-ram;multifd;xbzrle;auto-converge" };
        foreach (var caps in scenarios)
        {
            var s = Settings(caps);
            foreach (var destination in new[] { false, true })
            {
                var sent = States(s, destination, old);
                Assert.True(sent["events"]);
                Assert.DoesNotContain("dirty-limit", sent.Keys);
                Assert.All(sent.Keys, c => Assert.True(old.Offers(c), $"7.2 is sent '{c}', which it does not list"));
                // Every capability the scenario turns on is sent on, the others that 7.2 offers off.
                foreach (var cap in s.CapabilitiesAt(destination)) Assert.True(sent[cap], cap);
                Assert.Equal(s.CapabilitiesAt(destination).Count(), sent.Count(kv => kv.Value && kv.Key != "events"));
            }
        }

        // 10.0 is also told dirty-limit is off — at the source only, where it acts.
        var multifd = Settings("multifd");
        Assert.False(States(multifd, destination: false, backports)["dirty-limit"]);
        Assert.DoesNotContain("dirty-limit", States(multifd, destination: true, backports).Keys);
        Assert.Equal(["events", "postcopy-ram", "multifd", "postcopy-preempt"], multifd.CapabilityStates(destination: true, backports).Select(c => (string)c["capability"]));
        var preempt = Settings("postcopy-ram;postcopy-preempt");
        Assert.True(States(preempt, destination: true, backports)["postcopy-preempt"]);
        Assert.True(States(preempt, destination: true, backports)["postcopy-ram"]);
    }

    [Fact]
    public void A_scenario_needing_a_newer_build_is_unavailable_on_7_2_and_planned_on_10_0()
    {
        var old = Load("7.2");
        var backports = Load("10.0");

        // postcopy-preempt: 7.2 has it, so nothing to wait for on either build.
        var preempt = Settings("postcopy-ram;postcopy-preempt");
        Assert.Null(old.Unavailable(preempt));
        Assert.Null(old.Unavailable(preempt, destination: true));
        Assert.Null(backports.Unavailable(preempt));

        var dirtyLimit = Settings("dirty-limit", dirtyLimit: "64");
        var u = old.Unavailable(dirtyLimit);
        Assert.NotNull(u);
        Assert.Equal("7.2.22", u.QemuVersion);
        Assert.Equal(["dirty-limit", "vcpu-dirty-limit"], u.Features);
        Assert.Contains("capability 'dirty-limit' (QEMU ≥ 8.1)", u.Reason);
        Assert.Contains("QEMU 7.2.22 does not offer", u.Reason);
        Assert.Contains("newer QemuBuild (QEMU ≥ 8.1)", u.Reason);
        // dirty-limit acts on the source: a destination is not asked for it.
        Assert.Null(old.Unavailable(dirtyLimit, destination: true));
        Assert.Null(backports.Unavailable(dirtyLimit));

        var zeroPage = Settings("multifd", zeroPage: "none");
        var z = old.Unavailable(zeroPage);
        Assert.NotNull(z);
        Assert.Equal(["zero-page-detection"], z.Features);
        Assert.Contains("parameter 'zero-page-detection' (QEMU ≥ 9.0)", z.Reason);
        Assert.Contains("newer QemuBuild (QEMU ≥ 9.0)", z.Reason);
        Assert.Null(backports.Unavailable(zeroPage));

        // Both at once: the newest release needed is the one to ask for.
        var both = Settings("dirty-limit", zeroPage: "legacy", dirtyLimit: "64", period: "500");
        Assert.Equal(["dirty-limit", "zero-page-detection", "vcpu-dirty-limit", "x-vcpu-dirty-limit-period"], old.Unavailable(both)!.Features);
        Assert.Contains("(QEMU ≥ 9.0).", old.Unavailable(both)!.Reason);

        // What every existing scenario asks for, 7.2 has.
        foreach (var caps in new[] { "", "auto-converge", "postcopy-ram", "xbzrle", "multifd" })
            Assert.Empty(old.Missing(Settings(caps)));
    }

    [Fact]
    public void A_capability_the_build_refuses_is_named_with_qemus_reason()
    {
        var backports = Load("10.0");
        var dirtyLimit = Settings("dirty-limit", dirtyLimit: "64");
        var refused = backports.Refused(dirtyLimit, Refusal("migrate-set-capabilities", "migrate-set-capabilities-dirty-limit-tcg-10.0.json"), "source");
        Assert.Equal(["dirty-limit"], refused.Features);
        Assert.Equal("10.0.2", refused.QemuVersion);
        Assert.Contains("QEMU 10.0.2 offers capability 'dirty-limit' but refused it on the source", refused.Reason);
        Assert.Contains("dirty-limit requires KVM with accelerator property 'dirty-ring-size' set", refused.Reason); // QEMU's own words
        Assert.Contains("never under TCG", refused.Reason);

        // QEMU writes some names as words ("Postcopy preempt requires postcopy-ram").
        var preemptAlone = new MigrationSettings { Capabilities = ["postcopy-preempt"] };
        var preempt = Load("7.2").Refused(preemptAlone, Refusal("migrate-set-capabilities", "migrate-set-capabilities-postcopy-preempt-alone-7.2.json"), "destination");
        Assert.Equal(["postcopy-preempt"], preempt.Features);
        Assert.Contains("on the destination", preempt.Reason);
        Assert.Contains("another QemuBuild", preempt.Reason);

        // A refused parameter names the parameters the scenario set, and 7.2's answer to one it does not know.
        var zeroPage = Settings("", zeroPage: "none");
        var unknown = Load("7.2").Refused(zeroPage, Refusal("migrate-set-parameters", "migrate-set-parameters-zero-page-detection-unknown-7.2.json"), "source");
        Assert.Equal(["zero-page-detection"], unknown.Features);
        Assert.Contains("Parameter 'zero-page-detection' is unexpected", unknown.Reason);

        // A refusal of a scenario that turned nothing on names no feature, and still quotes QEMU.
        var plain = Load("7.2").Refused(Settings(""), Refusal("migrate-set-capabilities", "migrate-set-capabilities-dirty-limit-unknown-7.2.json"), "source");
        Assert.Empty(plain.Features);
        Assert.StartsWith("QEMU 7.2.22 refused the scenario's settings on the source (migrate-set-capabilities: Parameter 'capability' does not accept value 'dirty-limit')", plain.Reason);
    }

    [Fact]
    public void ZeroPageDetection_is_validated_with_the_scenario_named()
    {
        foreach (var value in MigrationSettings.ZeroPageDetectionValues)
        {
            var s = Settings("multifd", zeroPage: $" {value} ");
            Assert.Equal(value, s.ZeroPageDetection);
            Assert.Equal(value, s.Parameters(destination: false, default)["zero-page-detection"]);
            Assert.DoesNotContain("zero-page-detection", s.Parameters(destination: true, default).Keys);
            Assert.Contains($"zero-page-detection {value}", s.Describe());
        }
        Assert.Null(Settings("").ZeroPageDetection);
        Assert.DoesNotContain("zero-page-detection", Settings("").Parameters(destination: false, default).Keys);

        foreach (var bad in new[] { "bogus", "Multifd", "none;legacy", "0" })
        {
            var e = Assert.Throws<LabException>(() => Settings("multifd", zeroPage: bad, scenario: "zero-pages"));
            Assert.Equal(LabCodes.ConfigBadValue, e.Code);
            Assert.StartsWith("Migration scenario 'zero-pages': ZeroPageDetection '", e.Message);
            Assert.Contains(bad, e.Message);
            Assert.Contains("none, legacy or multifd", e.Fix);
        }
    }

    [Fact]
    public void Capability_rules_are_said_before_a_guest_boots()
    {
        foreach (var (caps, dirtyLimit, period, expected) in new[]
        {
            ("postcopy-preempt", "", "", "'postcopy-preempt' needs 'postcopy-ram'"),
            ("multifd;postcopy-preempt", "", "", "'postcopy-preempt' needs 'postcopy-ram'"),
            ("dirty-limit;auto-converge", "64", "", "exclude each other"),
            ("dirty-limit", "", "", "'dirty-limit' needs DirtyLimitMiBps"),
            ("dirty-limit", "0", "", "DirtyLimitMiBps '0'"),
            ("postcopy-ram", "64", "", "DirtyLimitMiBps applies only with the capability 'dirty-limit'"),
            ("", "", "500", "DirtyLimitPeriodMs applies only with the capability 'dirty-limit'"),
            ("dirty-limit", "64", "1001", "DirtyLimitPeriodMs '1001'"),
            ("dirty-limit", "64", "0", "DirtyLimitPeriodMs '0'"),
            ("dirty-ring", "", "", "capability 'dirty-ring' is not one VirtLab sets"),
        })
        {
            var e = Assert.Throws<LabException>(() => Settings(caps, dirtyLimit: dirtyLimit, period: period, scenario: "rules"));
            Assert.Equal(LabCodes.ConfigBadValue, e.Code);
            Assert.StartsWith("Migration scenario 'rules': ", e.Message);
            Assert.Contains(expected, e.Message);
            Assert.False(string.IsNullOrEmpty(e.Fix));
        }

        // dirty-limit needs no postcopy and acts on the source only: its parameters go there, not to the destination.
        var s = Settings("dirty-limit", dirtyLimit: "64", period: "500");
        Assert.True(s.DirtyLimit);
        Assert.Equal(64L, s.Parameters(destination: false, default)["vcpu-dirty-limit"]);
        Assert.Equal(500L, s.Parameters(destination: false, default)["x-vcpu-dirty-limit-period"]);
        Assert.Equal(["multifd-channels"], s.Parameters(destination: true, default).Keys);
        Assert.Empty(s.CapabilitiesAt(destination: true));
        Assert.Equal("dirty-limit, vcpu-dirty-limit 64 MB/s, x-vcpu-dirty-limit-period 500 ms", s.Describe());
        // Postcopy with preemption, at both ends.
        Assert.Equal(["postcopy-ram", "postcopy-preempt"], Settings("postcopy-ram;postcopy-preempt").CapabilitiesAt(destination: true));
    }

    [Fact]
    public void Feature_labels_add_only_what_a_scenario_chose()
    {
        var old = new Dictionary<string, string>();
        Settings("multifd;auto-converge").AddFeatureLabels(old);
        Assert.Equal(new Dictionary<string, string> { ["capabilities"] = "multifd,auto-converge" }, old);
        var none = new Dictionary<string, string>();
        Settings("").AddFeatureLabels(none);
        Assert.Equal(new Dictionary<string, string> { ["capabilities"] = "none" }, none);

        var labels = new Dictionary<string, string>();
        Settings("dirty-limit", zeroPage: "none", dirtyLimit: "64", period: "250").AddFeatureLabels(labels);
        Assert.Equal("dirty-limit", labels["capabilities"]);
        Assert.Equal("none", labels["zero_page_detection"]);
        Assert.Equal("64", labels["vcpu_dirty_limit_mibps"]);
        Assert.Equal("250", labels["dirty_limit_period_ms"]);
    }

    [Fact]
    public void An_unavailable_scenario_is_recorded_per_workload_with_its_reason_and_features()
    {
        var settings = Settings("dirty-limit", dirtyLimit: "64");
        var plan = new ScenarioPlan("dirty-limited", ["dirty-memory", "iperf"], settings, null, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(1),
            TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(5), Repeats: 3);
        var unavailable = Load("7.2").Unavailable(settings)!;
        var baseLabels = new Dictionary<string, string> { ["experiment"] = "live-migration", ["qemu_build"] = "distro", ["qemu_version"] = "7.2.22", ["accel"] = "tcg" };

        var records = MigrationRecords.Unavailable(plan, unavailable, baseLabels);

        Assert.Equal(["dirty-memory", "iperf"], records.Select(r => r.Label("workload")));
        Assert.All(records, r =>
        {
            Assert.True(r.IsUnavailable);
            Assert.Null(r.Value);
            Assert.Equal(MigrationRecords.HeadlineMetric, r.Metric);
            Assert.Equal("ms", r.Unit);
            Assert.Equal("dirty-limited", r.Label("scenario"));
            Assert.Equal("scenario", r.Label("kind"));
            Assert.Null(r.Label("migration"));
            Assert.Equal(unavailable.Reason, r.Label("reason"));
            Assert.Equal("dirty-limit,vcpu-dirty-limit", r.Label("unavailable_features"));
            Assert.Equal("dirty-limit", r.Label("capabilities"));
            Assert.Equal("64", r.Label("vcpu_dirty_limit_mibps"));
            Assert.Equal("distro", r.Label("qemu_build"));
            Assert.Equal(settings.Describe(), r.Label("settings"));
            var back = VirtLab.Records.Record.FromJson(r.ToJson());
            Assert.True(back.IsUnavailable);
            Assert.Equal(r.Labels, back.Labels);
        });
        Assert.Equal(["downtime_s"], MigrationRecords.Unavailable(plan, unavailable, baseLabels, "downtime_s", "s").Select(r => r.Metric).Distinct());

        // Beside a measured scenario's records, the summary and the report's tables take it as unavailable, not as a migration.
        var measured = RecordFile.Read(Path.Combine(AppContext.BaseDirectory, "fixtures", "migration", "records-homework.ndjson"));
        var all = measured.Concat(records).ToList();
        Assert.True(MigrationSummary.IsMigration(all));
        var summary = MigrationSummary.From("live-migration", "", all);
        Assert.DoesNotContain(summary.Migrations, m => m.Scenario == "dirty-limited");
        Assert.Equal(MigrationSummary.From("live-migration", "", measured).Migrations.Count, summary.Migrations.Count);
        Assert.DoesNotContain(ReportMigration.Rows(all.Where(MigrationRecords.IsFigure).ToList()), r => r.Condition.Contains("dirty-limited"));
    }
}

/// <summary>
/// MigrationFeatures.Check against the installed QEMU, started with nothing to run (-machine none):
/// what it says it offers, what it accepts, and a refusal it really sends.
/// </summary>
public sealed class MigrationFeaturesQemuTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    private static MigrationSettings Settings(string capabilities, string zeroPage = "", string dirtyLimit = "") =>
        MigrationSettings.Parse("live", capabilities, "", "", "", "", TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(250), zeroPage, dirtyLimit);

    private static Dictionary<string, bool> Current(QmpClient qmp) =>
        qmp.Execute("query-migrate-capabilities").EnumerateArray().ToDictionary(c => c.GetProperty("capability").GetString()!, c => c.GetProperty("state").GetBoolean());

    [Fact]
    public void Check_asks_the_running_qemu_sets_what_it_offers_and_reports_what_it_lacks_or_refuses()
    {
        var root = Directory.CreateTempSubdirectory("vlcaps-").FullName;
        try
        {
            var lab = new Lab.LabState("virtlab-caps-test", root);
            Directory.CreateDirectory(lab.Directory);
            using var qemu = QmpClientTests.TestQemu.Start(lab.Directory);
            // The lab's name for the source's QMP socket (mig-0.qmp) leads to this QEMU.
            File.CreateSymbolicLink(lab.QmpSocket("mig-0"), qemu.QmpSocket);
            CheckedBeforeTheFirstMigration(lab);
            using var qmp = QmpClient.Connect(qemu.QmpSocket, Bound);
            CheckedOnTheSource(qmp);
            Assert.True(qmp.Quit());
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>As LiveMigrate asks it: the scenario runner connects to the source by its lab name (and lets go: QEMU serves one QMP client at a time).</summary>
    private static void CheckedBeforeTheFirstMigration(Lab.LabState lab)
    {
        var runner = new MigrationScenarioRunner(lab, "", "", new WorkloadOptions(), Path.Combine(lab.Directory, "raw"));
        var plan = new ScenarioPlan("dirty-limited", ["idle"], Settings("dirty-limit", dirtyLimit: "64"), null,
            TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(5));
        var (features, unavailable) = runner.CheckFeatures(plan, "mig-0");
        // 7.2 lacks dirty-limit; a build that has it refuses it without KVM and a dirty ring. Either way: unavailable, not an error.
        Assert.NotNull(unavailable);
        Assert.Contains("dirty-limit", unavailable.Features);
        Assert.Equal(features.QemuVersion, unavailable.QemuVersion);
        Assert.Contains(features.Offers("dirty-limit") ? "refused it on the source" : "does not offer", unavailable.Reason);
    }

    private static void CheckedOnTheSource(QmpClient qmp)
    {

        var preempt = Settings("postcopy-ram;postcopy-preempt");
        var (features, unavailable) = MigrationFeatures.Check(qmp, preempt);
        Assert.Equal(QemuVersion.Installed(), features.QemuVersion);
        // The fixture of the same release is what this QEMU says.
        var release = string.Join('.', features.QemuVersion.Split('.').Take(2));
        if (File.Exists(Path.Combine(AppContext.BaseDirectory, "fixtures", "qmp", $"query-migrate-capabilities-{release}.json")))
        {
            var captured = MigrationFeaturesTests.Load(release);
            Assert.Equal(captured.Capabilities.Order(), features.Capabilities.Order());
            Assert.Equal(captured.Parameters.Order(), features.Parameters.Order());
        }
        Assert.Null(unavailable);
        // Check set the scenario's capabilities on this QEMU, as a migration's source gets them.
        var now = Current(qmp);
        Assert.True(now["postcopy-ram"]);
        Assert.True(now["postcopy-preempt"]);
        Assert.True(now["events"]);
        Assert.False(now["multifd"]);

        // A capability this build lacks is unavailable before anything is sent; one it has but refuses is a refusal.
        if (MigrationSettings.KnownCapabilities.FirstOrDefault(c => !features.Offers(c) && c != "postcopy-preempt") is { } lacking)
        {
            var settings = lacking == "dirty-limit" ? Settings("dirty-limit", dirtyLimit: "64") : Settings(lacking);
            var (_, missing) = MigrationFeatures.Check(qmp, settings);
            Assert.NotNull(missing);
            Assert.Contains(lacking, missing.Features);
            Assert.Contains(features.QemuVersion, missing.Reason);
            Assert.True(Current(qmp)["postcopy-ram"], "a scenario found unavailable sends nothing");
        }
        var (_, refused) = MigrationFeatures.Check(qmp, new MigrationSettings { Capabilities = ["postcopy-preempt"] }); // past Parse's own rule
        Assert.NotNull(refused);
        Assert.Equal(["postcopy-preempt"], refused.Features);
        Assert.Contains("refused it on the source (migrate-set-capabilities: Postcopy preempt requires postcopy-ram)", refused.Reason);
        Assert.True(Current(qmp)["postcopy-ram"], "QEMU applies none of a refused list");

        // A parameter it offers is set; zero-page-detection only where the build has it.
        var zeroPage = Settings("", zeroPage: "legacy");
        var (_, zeroPageVerdict) = MigrationFeatures.Check(qmp, zeroPage);
        if (features.OffersParameter("zero-page-detection"))
        {
            Assert.Null(zeroPageVerdict);
            Assert.Equal("legacy", qmp.Execute("query-migrate-parameters").GetProperty("zero-page-detection").GetString());
        }
        else
        {
            Assert.Equal(["zero-page-detection"], zeroPageVerdict!.Features);
        }
    }
}
