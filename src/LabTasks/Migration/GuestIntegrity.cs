using System.Globalization;
using System.Text.RegularExpressions;
using VirtLab.Ssh;
using VirtLab.Util;

namespace VirtLab.Migration;

/// <summary>
/// Checks that a migrated guest is intact: a 16 MiB random pattern written to guest RAM (/tmp is
/// tmpfs) before the migration must hash the same after it; the kernel log must show no sign of
/// corruption (QEMU 7.2 TCG without pti=on corrupts busy guests: list_add corruption, virtio
/// "not a head", Oopses); the workload's own verification (stress-ng --verify) must have passed;
/// and the guest must still answer SSH.
/// </summary>
public static partial class GuestIntegrity
{
    public const string PatternFile = "/tmp/virtlab-integrity-pattern";
    public const int PatternMiB = 16;

    // Case matters: "BUG:" is the kernel's, "report a bug" (PCI, AMD-Vi at boot) is not.
    [GeneratedRegex(@"\bBUG\b|[Cc]orrupt|list_add|list_del|not a head|\bOops\b|[Kk]ernel panic|\bpanic\b(?!=)|general protection fault|segfault at", RegexOptions.CultureInvariant)]
    private static partial Regex Suspicious();

    [GeneratedRegex(@"\b[0-9a-f]{64}\b")]
    private static partial Regex Sha256();

    /// <summary>Writes the pattern into the guest's RAM and returns its SHA-256.</summary>
    public static string WritePattern(GuestSsh ssh, CancellationToken cancel)
    {
        var bytes = (PatternMiB << 20).ToString(CultureInfo.InvariantCulture);
        var r = ssh.Run($"head -c {bytes} /dev/urandom > {PatternFile} && sha256sum {PatternFile}", TimeSpan.FromSeconds(120), cancel);
        return Sha256().Match(r.StandardOutput) is { Success: true } m ? m.Value
            : throw new LabException(LabCodes.Benchmark, $"Could not write the integrity pattern in the guest: {ProcessRunner.Tail(r.StandardError + r.StandardOutput)}", "check the guest's free memory (guest.memoryMiB).");
    }

    /// <summary>The guest kernel's log lines that indicate corruption (the kernel command line, which may say panic=-1, is skipped).</summary>
    public static List<string> ScanKernelLog(string dmesg) =>
        dmesg.Replace("\r", "").Split('\n')
            .Where(l => !l.Contains("Kernel command line:", StringComparison.Ordinal) && !l.Contains("virtlab.ip=", StringComparison.Ordinal))
            .Where(l => Suspicious().IsMatch(l)).Select(l => l.Trim()).ToList();

    /// <summary>
    /// Runs every check on the guest reachable through <paramref name="ssh"/> (null: SSH did not
    /// answer). <paramref name="workloadProblems"/> are the workload's own failures that concern
    /// integrity (a stress-ng verification error).
    /// </summary>
    /// <param name="serialLog">The console output of the QEMU that runs the guest now: a guest that dies of
    /// corruption prints its Oops and panic there, even when nothing answers SSH any more.</param>
    public static IntegrityReport Check(GuestSsh? ssh, string? expectedPatternSha, IEnumerable<string> workloadProblems, string serialLog, CancellationToken cancel)
    {
        var findings = new List<string>(workloadProblems);
        var console = ScanKernelLog(serialLog);
        if (ssh is null)
        {
            findings.Add("the guest did not answer SSH after the migration");
            findings.AddRange(console.Take(10).Select(l => "console: " + l));
            if (console.Count == 0 && serialLog.Trim().Length > 0)
                findings.Add("its console ends with: " + string.Join(" | ", serialLog.Trim().Split('\n').TakeLast(3).Select(l => l.Trim())));
            return new IntegrityReport(false, findings, serialLog);
        }
        if (expectedPatternSha is not null)
        {
            var r = ssh.Run($"sha256sum {PatternFile}", TimeSpan.FromSeconds(120), cancel);
            var actual = Sha256().Match(r.StandardOutput);
            if (!actual.Success) findings.Add($"the integrity pattern could not be read back: {ProcessRunner.Tail(r.StandardError + r.StandardOutput, 200)}");
            else if (actual.Value != expectedPatternSha) findings.Add($"the {PatternMiB} MiB pattern in guest RAM changed: sha256 {expectedPatternSha[..12]}… before, {actual.Value[..12]}… after");
        }
        var dmesg = ssh.Run("dmesg", TimeSpan.FromSeconds(30), cancel);
        if (dmesg.ExitCode != 0) findings.Add($"dmesg failed in the guest: {ProcessRunner.Tail(dmesg.StandardError, 200)}");
        var kernel = ScanKernelLog(dmesg.StandardOutput);
        findings.AddRange(kernel.Select(l => "kernel log: " + l));
        findings.AddRange(console.Where(l => !kernel.Any(k => k.Contains(l, StringComparison.Ordinal) || l.Contains(k, StringComparison.Ordinal))).Select(l => "console: " + l));
        return new IntegrityReport(findings.Count == 0, findings, dmesg.StandardOutput);
    }
}
