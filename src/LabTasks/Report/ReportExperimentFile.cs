using Scriban.Runtime;

namespace VirtLab.Report;

/// <summary>An experiment's records file (it may not exist yet: the experiment has not run).</summary>
public sealed record ReportExperimentFile(string Experiment, string Path);
