namespace VirtLab.Report;

/// <summary>Question F's evidence for one migration: where the MAC went, the announce frames, which sessions survived.</summary>
public sealed record EvidenceRow(string Scenario, int Index, string Workload, string Outcome, bool? FdbMoved, string FdbBefore, string FdbAfter,
    double? RarpFrames, double? GarpFrames, bool? SshKept, bool? StreamKept);
