using VirtLab.Stats;

namespace VirtLab.Tests;

public class SampleStatisticsTests
{
    [Fact]
    public void Known_sample_gives_textbook_values()
    {
        var s = SampleStatistics.From([9, 2, 4, 4, 5, 4, 7, 5]);

        Assert.Equal(8, s.Count);
        Assert.Equal(5, s.Mean, 12);
        Assert.Equal(4.5, s.Median);
        Assert.Equal(2, s.Min);
        Assert.Equal(9, s.Max);
        Assert.Equal(Math.Sqrt(32.0 / 7), s.StdDev!.Value, 12);
        // t(0.975, 7) = 2.3646
        Assert.Equal(1.78747, s.ConfidenceHalfWidth95!.Value, 4);
        Assert.Equal(3.21253, s.ConfidenceLow95!.Value, 4);
        Assert.Equal(6.78747, s.ConfidenceHigh95!.Value, 4);
        Assert.Equal(7 / 4.5, s.RelativeSpread, 12);
        Assert.True(s.IsNoisy());
    }

    [Fact]
    public void Five_runs_around_ten()
    {
        var s = SampleStatistics.From([10.0, 10.5, 9.5, 10.2, 9.8]);

        Assert.Equal(10.0, s.Mean, 12);
        Assert.Equal(10.0, s.Median);
        Assert.Equal(0.380789, s.StdDev!.Value, 6);
        Assert.Equal(0.472804, s.ConfidenceHalfWidth95!.Value, 4);
        Assert.Equal(0.0380789, s.RelativeStdDev!.Value, 6);
        Assert.Equal(0.1, s.RelativeSpread, 12);
    }

    [Fact]
    public void Odd_count_median_is_the_middle_value_and_input_is_not_reordered()
    {
        double[] values = [3, 1, 2];

        var s = SampleStatistics.From(values);

        Assert.Equal(2, s.Median);
        Assert.Equal([3, 1, 2], values);
    }

    [Fact]
    public void Single_value_has_no_spread_and_no_interval()
    {
        var s = SampleStatistics.From([42.0]);

        Assert.Equal(1, s.Count);
        Assert.Equal(42, s.Median);
        Assert.Equal(42, s.Mean);
        Assert.Null(s.StdDev);
        Assert.Null(s.ConfidenceHalfWidth95);
        Assert.Null(s.ConfidenceLow95);
        Assert.Null(s.RelativeStdDev);
        Assert.Equal(0, s.RelativeSpread);
        Assert.False(s.IsNoisy());
    }

    [Fact]
    public void Empty_input_is_an_ArgumentException()
    {
        Assert.Throws<ArgumentException>(() => SampleStatistics.From([]));
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Non_finite_values_are_rejected(double bad)
    {
        Assert.Throws<ArgumentException>(() => SampleStatistics.From([1, bad]));
    }

    [Theory]
    [InlineData(new[] { 100.0, 102, 101 }, false)] // 2 / 101 = 2.0 %
    [InlineData(new[] { 100.0, 104, 101 }, true)]  // 4 / 101 = 4.0 %
    [InlineData(new[] { 100.0, 103.5, 100 }, false)] // exactly 3.5 % is not above the threshold
    public void Noise_uses_the_phoronix_threshold(double[] values, bool noisy) =>
        Assert.Equal(noisy, SampleStatistics.From(values).IsNoisy());

    [Fact]
    public void Noise_threshold_can_be_changed()
    {
        var s = SampleStatistics.From([100.0, 104, 101]);
        Assert.False(s.IsNoisy(0.05));
    }

    [Fact]
    public void Identical_values_are_not_noisy_even_at_zero()
    {
        var s = SampleStatistics.From([0.0, 0.0, 0.0]);
        Assert.Equal(0, s.RelativeSpread);
        Assert.Equal(0, s.StdDev);
        Assert.Equal(0, s.RelativeStdDev);
    }

    [Theory]
    [InlineData(1, 12.7062)]
    [InlineData(4, 2.7764)]
    [InlineData(30, 2.0423)]
    [InlineData(31, 2.0395)]
    [InlineData(40, 2.0211)]
    [InlineData(60, 2.0003)]
    [InlineData(120, 1.9799)]
    [InlineData(1_000_000, 1.9600)]
    public void Student_t_critical_values(int df, double expected) =>
        // Printed tables to four decimals; Perfolizer's quantile is an approximation within 2e-4.
        Assert.InRange(SampleStatistics.TCritical95(df), expected - 2e-4, expected + 2e-4);
}
