using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using VirtLab.Stats;

namespace VirtLab.Tests;

/// <summary>
/// VirtLab's statistics (Perfolizer's estimators and the few lines around them) against values
/// SciPy computes independently at test time (reference/statistics_reference.py, Debian's
/// python3-scipy): Harrell–Davis quantiles, the median's interval, Clopper–Pearson, Mann–Whitney,
/// the Hodges–Lehmann ratio and its Moses interval.
/// </summary>
public class StatisticsReferenceTests
{
    private static readonly int[] DistributionSizes = [3, 5, 10, 20, 25, 100, 120];
    private static readonly (int K, int N)[] Proportions = [(0, 10), (1, 9), (2, 9), (0, 50), (3, 50), (10, 10)];
    private static readonly (int N, int M, double Shift)[] Comparisons = [(5, 5, 1.0), (5, 6, 1.3), (8, 8, 1.05), (3, 3, 1.5), (10, 10, 0.9), (4, 7, 1.2)];

    [Fact]
    public void Harrell_Davis_quantiles_and_median_interval_match_scipy()
    {
        var samples = DistributionSizes.Select((n, i) => Sample(n, seed: 10 + i, scale: 100)).ToList();
        var reference = Reference(samples.Select(v => new JsonObject { ["kind"] = "distribution", ["values"] = Json(v) }));

        for (var i = 0; i < samples.Count; i++)
        {
            var d = SampleDistribution.Of(samples[i]);
            var r = reference[i]!;
            AssertClose((double)r["median"]!, d.Median);
            AssertClose((double)r["interval"]![0]!, d.MedianInterval!.Value.Lower);
            AssertClose((double)r["interval"]![1]!, d.MedianInterval!.Value.Upper);
            AssertQuantile(d.P95, (double)r["p95"]!, samples[i].Length >= 20);
            AssertQuantile(d.P99, (double)r["p99"]!, samples[i].Length >= 100);
        }
    }

    [Fact]
    public void Clopper_Pearson_intervals_match_scipy()
    {
        var reference = Reference(Proportions.Select(p => new JsonObject { ["kind"] = "proportion", ["k"] = p.K, ["n"] = p.N }));

        for (var i = 0; i < Proportions.Length; i++)
        {
            var ci = Proportion.Of(Proportions[i].K, Proportions[i].N).Interval!.Value;
            AssertClose((double)reference[i]!["interval"]![0]!, ci.Lower);
            AssertClose((double)reference[i]!["interval"]![1]!, ci.Upper);
        }
    }

    [Fact]
    public void Mann_Whitney_p_ratio_and_its_interval_match_scipy()
    {
        var pairs = Comparisons.Select((c, i) => (Baseline: Sample(c.N, seed: 40 + i, scale: 50), Candidate: Sample(c.M, seed: 70 + i, scale: 50 * c.Shift))).ToList();
        var reference = Reference(pairs.Select(p => new JsonObject { ["kind"] = "comparison", ["baseline"] = Json(p.Baseline), ["candidate"] = Json(p.Candidate) }));

        for (var i = 0; i < pairs.Count; i++)
        {
            var c = SampleComparison.Of(pairs[i].Baseline, pairs[i].Candidate, MetricDirection.HigherIsBetter);
            var r = reference[i]!;
            AssertClose((double)r["p"]!, c.PValue);
            AssertClose((double)r["ratio"]!, c.Ratio!.Value);
            if (r["interval"] is null) Assert.Null(c.RatioInterval);
            else
            {
                AssertClose((double)r["interval"]![0]!, c.RatioInterval!.Value.Lower);
                AssertClose((double)r["interval"]![1]!, c.RatioInterval!.Value.Upper);
            }
        }
    }

    private static void AssertQuantile(QuantileEstimate q, double expected, bool given)
    {
        Assert.Equal(given, q.IsAvailable);
        if (given) AssertClose(expected, q.Value!.Value);
        else Assert.Contains("needs at least", q.Missing);
    }

    /// <summary>Both sides integrate the Beta distribution numerically: they agree to about 1e-9 of the value.</summary>
    private static void AssertClose(double expected, double actual) =>
        Assert.Equal(expected, actual, Math.Max(Math.Abs(expected), 1) * 1e-8);

    /// <summary>Log-normal values around <paramref name="scale"/>: skewed like timings, and without ties.</summary>
    internal static double[] Sample(int n, int seed, double scale)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, n).Select(_ =>
        {
            var z = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            return scale * Math.Exp(0.1 * z);
        }).ToArray();
    }

    private static JsonArray Json(double[] values) => new(values.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());

    private static JsonArray Reference(IEnumerable<JsonObject> cases)
    {
        var script = Path.Combine(AppContext.BaseDirectory, "reference", "statistics_reference.py");
        var start = new ProcessStartInfo("/usr/bin/python3", [script]) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        process.StandardInput.Write(new JsonArray(cases.Cast<JsonNode?>().ToArray()).ToJsonString());
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(60_000), "the SciPy reference did not finish in a minute");
        Assert.True(process.ExitCode == 0, $"the SciPy reference failed: {error.Result}");
        return JsonNode.Parse(output.Result)!.AsArray();
    }
}
