using System.Net;
using VirtLab.Ssh;

namespace VirtLab.Migration;

/// <summary>Where a workload runs: the guest (over SSH) and the host side (iperf's client: the lab namespace, or a peer host).</summary>
public sealed record WorkloadContext(IHostSide Side, IPAddress GuestAddress, GuestSsh Ssh)
{
    public WorkloadContext(string netns, IPAddress guestAddress, GuestSsh ssh) : this(new NamespaceSide(netns), guestAddress, ssh) { }
}
