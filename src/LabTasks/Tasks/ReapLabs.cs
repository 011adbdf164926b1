using Microsoft.Build.Framework;
using VirtLab.Lab;

namespace VirtLab.Tasks;

/// <summary>
/// Tears down every lab whose build no longer runs (and restores a bridged NIC it left); a lab that
/// cannot be torn down is a LAB0031 warning and is skipped.
/// </summary>
public sealed class ReapLabs : LabTask
{
    protected override void Run()
    {
        var result = LabTeardown.ReapOrphans();
        foreach (var skipped in result.Skipped) LogLabWarning(skipped.Code, skipped.FullMessage, skipped.File);
        Log.LogMessage(MessageImportance.High, result.Reaped.Count == 0
            ? "VirtLab: no lab was left behind."
            : $"VirtLab: removed {string.Join(", ", result.Reaped)}.");
    }
}
