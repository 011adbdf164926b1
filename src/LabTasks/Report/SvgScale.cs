using System.Globalization;

namespace VirtLab.Report;

/// <summary>Round tick positions for a numeric axis that may start below zero (time around an event).</summary>
public static class SvgScale
{
    /// <summary>A step of 1, 2, 2.5 or 5 × 10^k giving at most about <paramref name="ticks"/> ticks over the range.</summary>
    public static double NiceStep(double range, int ticks = 8)
    {
        if (!(range > 0) || !double.IsFinite(range)) return 1;
        var rough = range / ticks;
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(rough)));
        return new[] { 1, 2, 2.5, 5, 10 }.Select(m => m * magnitude).First(s => s >= rough * (1 - 1e-9));
    }

    /// <summary>The axis widened to whole steps, and every tick on it.</summary>
    public static (double Min, double Max, IReadOnlyList<double> Ticks) Axis(double min, double max, int ticks = 8)
    {
        if (max <= min) max = min + 1;
        var step = NiceStep(max - min, ticks);
        var lo = Math.Floor(min / step + 1e-9) * step;
        var hi = Math.Ceiling(max / step - 1e-9) * step;
        var list = new List<double>();
        for (var i = 0; lo + i * step <= hi + step / 1000; i++) list.Add(Math.Round(lo + i * step, 9));
        return (lo, hi, list);
    }

    /// <summary>A tick label with as many decimals as the step needs and no "-0".</summary>
    public static string Label(double value, double step)
    {
        var decimals = step >= 1 ? 0 : step >= 0.1 ? 1 : step >= 0.01 ? 2 : 3;
        var text = value.ToString("F" + decimals, CultureInfo.InvariantCulture);
        return text.TrimStart('-').All(c => c is '0' or '.') ? text.TrimStart('-') : text;
    }
}
