namespace VirtLab.Migration;

/// <summary>The time between two consecutive replies, whatever its length (seconds on the migration timeline).</summary>
public sealed record PingSilence(double StartT, double EndT)
{
    public double Milliseconds => (EndT - StartT) * 1000;
}
