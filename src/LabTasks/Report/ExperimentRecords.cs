using VirtLab.Records;

namespace VirtLab.Report;

/// <summary>An experiment's records as read from disk (empty when the experiment has not run).</summary>
public sealed record ExperimentRecords(string Experiment, string Path, IReadOnlyList<Record> Records)
{
    public bool Exists => Records.Count > 0;
}
