namespace VirtLab.Compare;

/// <summary>What one sample of values measured: an experiment's metric under one condition (its labels, sorted, as "key=value" pairs).</summary>
public sealed record SampleKey(string Experiment, string Metric, string Unit, string Condition);
