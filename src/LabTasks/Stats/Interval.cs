namespace VirtLab.Stats;

/// <summary>A closed interval [Lower, Upper], e.g. a 95 % confidence interval.</summary>
public readonly record struct Interval(double Lower, double Upper)
{
    public bool Contains(double value) => Lower <= value && value <= Upper;

    public double HalfWidth => (Upper - Lower) / 2;
}
