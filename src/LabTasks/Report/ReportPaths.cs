namespace VirtLab.Report;

/// <summary>Links from the report to the files it cites: relative to the report's folder, with forward slashes.</summary>
public static class ReportPaths
{
    public static string Link(string reportDirectory, string path) =>
        Path.GetRelativePath(reportDirectory, path).Replace('\\', '/');
}
