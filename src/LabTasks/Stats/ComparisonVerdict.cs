namespace VirtLab.Stats;

/// <summary>benchstat's verdict: a significant change either way, or "~" (no significant difference).</summary>
public enum ComparisonVerdict
{
    NoDifference,
    Better,
    Worse,
}
