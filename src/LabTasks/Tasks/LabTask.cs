using Microsoft.Build.Framework;
using VirtLab.Records;
using VirtLab.Util;

namespace VirtLab.Tasks;

/// <summary>
/// What every VirtLab task shares: LabExceptions become coded errors with file and line, any other
/// exception one LAB0099 error (<see cref="UnexpectedFailure"/>), each on one line, and
/// cancellation (Ctrl+C) reaches the work through <see cref="Cancellation"/>.
/// </summary>
public abstract class LabTask : Microsoft.Build.Utilities.Task, ICancelableTask
{
    private readonly CancellationTokenSource _cancel = new();
    private bool _failed;

    protected CancellationToken Cancellation => _cancel.Token;

    public virtual void Cancel() => _cancel.Cancel();

    public sealed override bool Execute()
    {
        try
        {
            Run();
        }
        catch (LabException e)
        {
            LogLabError(e);
        }
        catch (OperationCanceledException) when (_cancel.IsCancellationRequested)
        {
            Log.LogError(null, LabCodes.Cancelled, null, null, 0, 0, 0, 0, $"{GetType().Name} was cancelled; nothing it measured was kept.");
        }
        catch (Exception e)
        {
            LogLabError(UnexpectedFailure.Report(GetType().Name, e, UnexpectedFailure.ErrorsDirectoryFor(BuildEngine?.ProjectFileOfTaskNode), DateTimeOffset.UtcNow));
        }
        return !Log.HasLoggedErrors && !_failed;
    }

    protected abstract void Run();

    /// <summary>The task failed without an error of its own (a task it ran logged it).</summary>
    protected void MarkFailed() => _failed = true;

    /// <summary>
    /// Keeps a tool's raw output as <paramref name="rawFile"/>, then parses it; a parse error names
    /// that file, so the user can read what the tool printed.
    /// </summary>
    protected static T KeepAndParse<T>(string rawFile, string output, Func<string, T> parse)
    {
        AtomicFile.WriteAllText(rawFile, output);
        try { return parse(output); }
        catch (LabException e) { throw new LabException(e.Code, e.Message, e.Fix, rawFile); }
    }

    // MSBuild's console logger prints each line of a message as an error of its own: one line each.
    protected void LogLabError(LabException e) =>
        Log.LogError(null, e.Code, null, e.File, e.Line, e.Column, 0, 0, LabException.OneLine(e.FullMessage));

    protected void LogLabWarning(string code, string message, string? file = null) =>
        Log.LogWarning(null, code, null, file, 0, 0, 0, 0, LabException.OneLine(message));
}
