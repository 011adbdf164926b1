using Microsoft.Build.Utilities;
using VirtLab.Tasks;

namespace VirtLab.Tests;

/// <summary>Runs the RenderSummary task as a build would, on record files and a template of templates/, and returns summary.md.</summary>
internal static class SummaryRendering
{
    public static string Render(string directory, string experiment, string profile, IEnumerable<string> recordFiles, string template, string kind = "migration")
    {
        var engine = new TestBuildEngine();
        var render = new RenderSummary
        {
            BuildEngine = engine, Kind = kind, Experiment = experiment, Profile = profile,
            RecordFiles = recordFiles.Select(f => (Microsoft.Build.Framework.ITaskItem)new TaskItem(f)).ToArray(),
            Template = Path.Combine(RepoCopy.FindRepoRoot(), "templates", template),
            RecordsFile = Path.Combine(directory, "records.ndjson"), SummaryFile = Path.Combine(directory, "summary.md"),
        };
        Assert.True(render.Execute(), engine.ErrorText);
        return File.ReadAllText(Path.Combine(directory, "summary.md"));
    }
}
