using System.Text.RegularExpressions;

namespace VirtLab.Qemu;

/// <summary>
/// What a QEMU thread does. vCPU threads are named "CPU n/TCG" or "CPU n/KVM" (QEMU names its
/// threads when started with -name …,debug-threads=on); the main loop thread is the one whose tid
/// is the pid — it runs the device backends, bottom halves and timers; everything else (worker,
/// call_rcu, vhost …) is "other".
/// </summary>
public static partial class QemuThreadRole
{
    public const string Vcpu = "vcpu";
    public const string Main = "main";
    public const string Other = "other";

    public static readonly string[] All = [Vcpu, Main, Other];

    public static string Of(int pid, int tid, string comm) =>
        tid == pid ? Main : VcpuName().IsMatch(comm) ? Vcpu : Other;

    [GeneratedRegex(@"^CPU [0-9]+/(TCG|KVM)$")]
    private static partial Regex VcpuName();
}
