using Microsoft.Build.Framework;
using VirtLab.Lab;

namespace VirtLab.Tasks;

/// <summary>Tears down every lab whose build no longer runs (and restores a bridged NIC it left).</summary>
public sealed class ReapLabs : LabTask
{
    protected override void Run()
    {
        var reaped = LabTeardown.ReapOrphans();
        Log.LogMessage(MessageImportance.High, reaped.Count == 0
            ? "VirtLab: no lab was left behind."
            : $"VirtLab: removed {string.Join(", ", reaped)}.");
    }
}
