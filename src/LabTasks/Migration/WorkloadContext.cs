using System.Net;
using VirtLab.Ssh;

namespace VirtLab.Migration;

/// <summary>Where a workload runs: the guest (over SSH) and the lab namespace (for the host side of iperf).</summary>
public sealed record WorkloadContext(string Netns, IPAddress GuestAddress, GuestSsh Ssh);
