using VirtLab.Repeats;

namespace VirtLab.Tests;

public class RepeatPolicyTests
{
    [Fact]
    public void A_plain_count_measures_exactly_that_often_whatever_the_spread()
    {
        var policy = RepeatPolicy.Fixed(3);

        Assert.Null(policy.StopReason(2, [1, 100]));
        Assert.Equal(RepeatPolicy.StopFixed, policy.StopReason(3, [1, 100, 1000]));
    }

    [Fact]
    public void Adaptive_repeats_stop_once_the_quiet_values_agree()
    {
        var policy = new RepeatPolicy(3, 10, 3.5, Warmup: false);

        Assert.Null(policy.StopReason(2, [100, 101]));                  // fewer than min
        Assert.Null(policy.StopReason(3, [100, 120, 101]));             // RSD ≈ 10 %
        Assert.Equal(RepeatPolicy.StopConverged, policy.StopReason(4, [100, 101, 99]));  // a noisy fourth run did not count
        Assert.Equal(RepeatPolicy.StopMaxRuns, policy.StopReason(10, [100, 150, 80, 120]));
    }

    [Fact]
    public void Relative_standard_deviation_is_the_sample_one_in_percent()
    {
        Assert.Equal(100 * Math.Sqrt(32.0 / 7) / 5, RepeatPolicy.RelativeStdDevPercent([9, 2, 4, 4, 5, 4, 7, 5]), 9);
        Assert.Equal(double.PositiveInfinity, RepeatPolicy.RelativeStdDevPercent([5]));
    }
}
