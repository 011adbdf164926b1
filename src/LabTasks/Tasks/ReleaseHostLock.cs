using Microsoft.Build.Framework;
using VirtLab.Lab;

namespace VirtLab.Tasks;

/// <summary>Lets the next build measure: releases the host lock AcquireHostLock took.</summary>
public sealed class ReleaseHostLock : LabTask
{
    [Required] public string Token { get; set; } = "";

    protected override void Run()
    {
        new HostLock().Release(Token);
        Log.LogMessage(MessageImportance.Normal, "VirtLab: host lock released.");
    }
}
