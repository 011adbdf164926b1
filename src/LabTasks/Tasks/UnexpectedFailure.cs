using System.Globalization;
using VirtLab.Util;

namespace VirtLab.Tasks;

/// <summary>
/// An exception no VirtLab code anticipated, turned into one LAB0099 error: the message says what
/// failed in one line, and the whole exception (type, inner exceptions, stack) is kept in a file
/// under obj/virtlab/errors/ that the message names, instead of MSBuild's MSB4018 stack trace.
/// </summary>
public static class UnexpectedFailure
{
    /// <summary>
    /// obj/virtlab/errors/ of the VirtLab tree the project is in: the folder of the nearest
    /// Directory.Build.targets above it (as MSBuild finds it), else the project's own folder.
    /// </summary>
    public static string ErrorsDirectoryFor(string? projectFile)
    {
        var start = string.IsNullOrEmpty(projectFile) ? Directory.GetCurrentDirectory() : Path.GetDirectoryName(Path.GetFullPath(projectFile))!;
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Directory.Build.targets")))
                return Path.Combine(dir.FullName, "obj", "virtlab", "errors");
        return Path.Combine(start, "obj", "virtlab", "errors");
    }

    /// <summary>Writes the details file and returns the LabException to report (its File is the details file).</summary>
    public static LabException Report(string taskName, Exception e, string errorsDirectory, DateTimeOffset now)
    {
        var cause = e is AggregateException { InnerExceptions.Count: 1 } aggregate ? aggregate.InnerExceptions[0] : e;
        var what = $"{taskName} failed unexpectedly: {cause.GetType().Name}: {cause.Message}";
        var name = $"{taskName}-{now.UtcDateTime.ToString("yyyyMMdd'T'HHmmss.fff'Z'", CultureInfo.InvariantCulture)}-{Environment.ProcessId}.txt";
        var details = Path.Combine(errorsDirectory, name);
        try
        {
            AtomicFile.WriteAllText(details, $"{taskName} failed at {now.UtcDateTime:O} (process {Environment.ProcessId}).\n\n{e}\n");
        }
        catch (Exception writeError) when (writeError is IOException or UnauthorizedAccessException)
        {
            return new LabException(LabCodes.UnexpectedFailure, $"{what} (the details could not be written to {details}: {writeError.Message})",
                "build again with -v:diag to see the exception; if it repeats, report it with that output.");
        }
        return new LabException(LabCodes.UnexpectedFailure, $"{what} The details (stack trace) are in {details}.",
            "read that file: the exception may name a file, a permission or a process to fix; if it points into VirtLab itself, report it with that file.",
            details);
    }
}
