using VirtLab.Util;

namespace VirtLab.Lab;

/// <summary>What reaping orphan labs did: the labs removed, and the ones that could not be (LAB0031 each).</summary>
public sealed record ReapResult(IReadOnlyList<string> Reaped, IReadOnlyList<LabException> Skipped);
