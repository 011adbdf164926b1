using Microsoft.Build.Framework;
using VirtLab.Lab;

namespace VirtLab.Tasks;

/// <summary>
/// Takes the host lock before this build measures (or builds the guest image, or probes KVM): a
/// second build waits for the first, saying every 30 s who holds it, up to TimeoutSeconds, then
/// fails with LAB0012. The lock lasts until ReleaseHostLock or the end of the build, however it ends.
/// </summary>
public sealed class AcquireHostLock : LabTask
{
    private static readonly TimeSpan ReportEvery = TimeSpan.FromSeconds(30);

    [Required] public string Experiment { get; set; } = "";
    [Required] public string Profile { get; set; } = "";
    public int TimeoutSeconds { get; set; } = 3600;

    /// <summary>Passed to ReleaseHostLock.</summary>
    [Output] public string Token { get; private set; } = "";

    protected override void Run()
    {
        var owner = OwnerProcess.Find();
        Token = new HostLock().Acquire(owner, Experiment, Profile, TimeSpan.FromSeconds(TimeoutSeconds), ReportEvery,
            message => Log.LogMessage(MessageImportance.High, message), Cancellation);
        Log.LogMessage(MessageImportance.Normal, $"VirtLab: host lock taken by build process {owner} ({Experiment}, {Profile}).");
    }
}
