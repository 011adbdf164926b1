using Microsoft.Build.Framework;

namespace VirtLab.Tasks;

/// <summary>
/// Passes items through. Used inside a partially built target: MSBuild infers the outputs of
/// ItemGroups for up-to-date items too, but not a task's outputs, so this yields only the stale ones.
/// </summary>
public sealed class SelectCells : LabTask
{
    public ITaskItem[] Cells { get; set; } = [];

    [Output] public ITaskItem[] Selected { get; private set; } = [];

    protected override void Run() => Selected = Cells;
}
