using VirtLab.Remote;

namespace VirtLab.Tests;

/// <summary>Issue 12's one timeline: the clock offset to a rig host, measured over its real SSH session.</summary>
public class TwoHostsClockOffsetTests(TwoHostsRig rig) : IClassFixture<TwoHostsRig>
{
    [Fact]
    public void A_host_sharing_this_kernels_clock_is_measured_at_no_offset_within_its_uncertainty()
    {
        using var a = RemoteHost.Connect("a", rig.HostConfigFor(rig.A),
            new RemoteHostOptions { Namespace = rig.OperatorNamespace, ConnectTimeout = TimeSpan.FromSeconds(3) });
        var offset = ClockOffset.Measure(a, samples: 6);

        Assert.Equal(6, offset.Samples);
        // A namespace host reads the same clock as this process: the true offset is 0, so it must lie within the bound.
        Assert.InRange(0, offset.OffsetMilliseconds - offset.UncertaintyMilliseconds - 0.001, offset.OffsetMilliseconds + offset.UncertaintyMilliseconds + 0.001);
        Assert.InRange(offset.UncertaintyMilliseconds, 0.001, 2000);
    }
}
