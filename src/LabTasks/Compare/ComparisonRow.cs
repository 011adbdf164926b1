using VirtLab.Stats;

namespace VirtLab.Compare;

/// <summary>One metric under one condition, measured in both runs.</summary>
public sealed record ComparisonRow(SampleKey Key, SampleComparison Comparison)
{
    public string Experiment => Key.Experiment;
    public string Metric => Key.Metric;
    public string Unit => Key.Unit;
    public string Condition => Key.Condition;

    /// <summary>benchstat's column: "+12.3 %", "−4.0 %" or "~".</summary>
    public string Change => Comparison.Verdict == ComparisonVerdict.NoDifference || Comparison.Ratio is null
        ? "~"
        : (Comparison.Ratio.Value - 1).ToString("+0.0 %;−0.0 %", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>"123 [118, 130] (n=5)": the Harrell–Davis median, its 95 % interval and the sample size.</summary>
    public string BaselineText => Describe(Comparison.Baseline);
    public string CandidateText => Describe(Comparison.Candidate);

    public string RatioText => Comparison.Ratio is not { } ratio ? "n/a"
        : Comparison.RatioInterval is { } ci ? $"{Number(ratio)} [{Number(ci.Lower)}, {Number(ci.Upper)}]" : $"{Number(ratio)} (no 95 % interval)";

    public string Significance => Comparison.PValue < 0.001 ? "<0.001" : Comparison.PValue.ToString("0.000", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Three significant digits, as benchstat prints.</summary>
    public static string Number(double value) =>
        value == 0 ? "0" : value.ToString(Math.Abs(value) >= 1000 ? "0" : "G3", System.Globalization.CultureInfo.InvariantCulture);

    // Two values give an interval of ±12.7 standard errors (Student's t with one degree of freedom): printed, it misleads.
    private static string Describe(SampleDistribution d) =>
        d.MedianInterval is { } ci && d.Count >= 3 ? $"{Number(d.Median)} [{Number(ci.Lower)}, {Number(ci.Upper)}] (n={d.Count})" : $"{Number(d.Median)} (n={d.Count})";

    public string Verdict => Comparison.Verdict switch
    {
        ComparisonVerdict.Better => "better",
        ComparisonVerdict.Worse => "worse",
        _ => "~",
    };
}
