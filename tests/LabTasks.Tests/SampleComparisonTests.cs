using VirtLab.Stats;

namespace VirtLab.Tests;

public class SampleComparisonTests
{
    [Fact]
    public void A_known_shift_is_found_and_named_by_the_metric_direction()
    {
        var baseline = StatisticsReferenceTests.Sample(10, seed: 1, scale: 100);
        var faster = StatisticsReferenceTests.Sample(10, seed: 2, scale: 130);

        var throughput = SampleComparison.Of(baseline, faster, MetricDirection.HigherIsBetter);
        var downtime = SampleComparison.Of(baseline, faster, MetricDirection.LowerIsBetter);

        Assert.Equal(ComparisonVerdict.Better, throughput.Verdict);
        Assert.Equal(ComparisonVerdict.Worse, downtime.Verdict);
        Assert.InRange(throughput.Ratio!.Value, 1.15, 1.45);
        Assert.True(throughput.RatioInterval!.Value.Lower > 1);
        Assert.Null(throughput.Limitation);
    }

    [Fact]
    public void Same_configuration_twice_mostly_says_no_difference()
    {
        // A/A: 200 pairs drawn from one distribution. At a 5 % level about 10 false verdicts are expected.
        var falseVerdicts = Enumerable.Range(0, 200).Count(i =>
            SampleComparison.Of(StatisticsReferenceTests.Sample(10, seed: 1000 + i, scale: 100),
                StatisticsReferenceTests.Sample(10, seed: 5000 + i, scale: 100), MetricDirection.HigherIsBetter).Verdict != ComparisonVerdict.NoDifference);

        Assert.InRange(falseVerdicts, 0, 20);
    }

    [Fact]
    public void A_twenty_percent_shift_in_ten_values_is_found_almost_always()
    {
        var found = Enumerable.Range(0, 100).Count(i =>
            SampleComparison.Of(StatisticsReferenceTests.Sample(10, seed: 9000 + i, scale: 100),
                StatisticsReferenceTests.Sample(10, seed: 9500 + i, scale: 120), MetricDirection.HigherIsBetter).Verdict == ComparisonVerdict.Better);

        Assert.InRange(found, 95, 100);
    }

    [Fact]
    public void Three_against_three_cannot_be_significant_and_says_so()
    {
        var c = SampleComparison.Of([10, 11, 12], [20, 21, 22], MetricDirection.HigherIsBetter);

        Assert.Equal(ComparisonVerdict.NoDifference, c.Verdict);
        Assert.Equal(0.1, c.PValue, 9);
        Assert.Null(c.RatioInterval);
        Assert.Contains("smallest possible p is 0.1", c.Limitation);
    }

    [Fact]
    public void Zero_failures_in_fifty_bounds_the_rate_below_eight_percent()
    {
        var p = Proportion.Of(0, 50);

        Assert.Equal(0, p.Interval!.Value.Lower);
        Assert.InRange(p.Interval!.Value.Upper, 0.07, 0.072);
    }
}
