namespace VirtLab.Stats;

/// <summary>Which way a metric improves: throughput up, time and latency down.</summary>
public enum MetricDirection
{
    HigherIsBetter,
    LowerIsBetter,
}
