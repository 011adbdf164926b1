using VirtLab.Records;
using VirtLab.Util;

namespace VirtLab.Compare;

/// <summary>
/// The records -p:CompareWith names: a records.ndjson file, or a results folder (every
/// records.ndjson below it — another clone's results/, a copy from another machine, imported logs).
/// </summary>
public static class ComparisonSource
{
    public static List<Record> Read(string path, string? profile)
    {
        List<Record> records;
        if (File.Exists(path)) records = RecordFile.Read(path);
        else if (Directory.Exists(path))
        {
            var files = Directory.EnumerateFiles(path, "records.ndjson", SearchOption.AllDirectories)
                .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}raw{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
                .Order(StringComparer.Ordinal).ToList();
            if (files.Count == 0)
                throw new LabException(LabCodes.Results, $"-p:CompareWith names {path}, which holds no records.ndjson.",
                    "name a results folder of an earlier run (e.g. a copy of results/) or one records.ndjson file.", path);
            records = RecordFile.ReadAll(files);
        }
        else
            throw new LabException(LabCodes.Results, $"-p:CompareWith names {path}, which does not exist.",
                "name a results folder of an earlier run or a records.ndjson file (a relative path is taken from the current directory).");

        // A results folder holds every profile's runs; compare like with like when the profile is there.
        var sameProfile = records.Where(r => r.Label("profile") == profile).ToList();
        return profile is not null && sameProfile.Count > 0 ? sameProfile : records;
    }
}
