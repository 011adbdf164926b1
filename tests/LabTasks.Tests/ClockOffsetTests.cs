using VirtLab.Remote;

namespace VirtLab.Tests;

/// <summary>The NTP-style offset between this machine's clock and a host's, from SSH round trips.</summary>
public sealed class ClockOffsetTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 29, 22, 0, 0, TimeSpan.Zero);

    private static ClockOffset.Sample S(double sentMs, double rttMs, double hostAheadMs, double hostReadAtFraction = 0.5) =>
        new(T0.AddMilliseconds(sentMs), T0.AddMilliseconds(sentMs + rttMs * hostReadAtFraction + hostAheadMs), T0.AddMilliseconds(sentMs + rttMs));

    [Fact]
    public void The_shortest_round_trip_sets_the_offset_and_half_of_it_the_uncertainty()
    {
        // The host's clock is 250 ms ahead; the 4 ms round trip bounds it best, even though the host read its clock early in it.
        var offset = ClockOffset.From([S(0, 30, 250), S(100, 4, 250, hostReadAtFraction: 0.25), S(200, 12, 250)]);
        Assert.Equal(249, offset.OffsetMilliseconds, 6);
        Assert.Equal(2, offset.UncertaintyMilliseconds, 6);
        Assert.Equal(3, offset.Samples);
        // The true offset lies within the stated uncertainty.
        Assert.InRange(250, offset.OffsetMilliseconds - offset.UncertaintyMilliseconds, offset.OffsetMilliseconds + offset.UncertaintyMilliseconds);
    }

    [Fact]
    public void A_host_behind_has_a_negative_offset_and_its_times_move_forward_onto_this_clock()
    {
        var offset = ClockOffset.From([S(0, 2, -1500)]);
        Assert.Equal(-1500, offset.OffsetMilliseconds, 6);
        Assert.Equal(T0.AddMilliseconds(1500), offset.ToLocal(T0));
    }

    [Fact]
    public void The_host_clock_is_read_as_date_prints_it_to_the_nanosecond()
    {
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1795990000).AddTicks(1234567), ClockOffset.ParseEpoch("1795990000.123456789\n"));
        Assert.Null(ClockOffset.ParseEpoch("1795990000.%N"));  // a date without %N (busybox)
        Assert.Null(ClockOffset.ParseEpoch("1795990000"));
        Assert.Null(ClockOffset.ParseEpoch("-1.000000000"));
        Assert.Throws<ArgumentException>(() => ClockOffset.From([]));
    }
}
