using System.Text;
using VirtLab.Util;

namespace VirtLab.Records;

/// <summary>NDJSON files of records: one JSON object per line, written atomically.</summary>
public static class RecordFile
{
    public static void Write(string path, IEnumerable<Record> records)
    {
        var sb = new StringBuilder();
        foreach (var r in records) sb.Append(r.ToJson()).Append('\n');
        AtomicFile.WriteAllText(path, sb.ToString());
    }

    public static List<Record> Read(string path)
    {
        var records = new List<Record>();
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (line.Length == 0) continue;
            try { records.Add(Record.FromJson(line)); }
            catch (System.Text.Json.JsonException e)
            {
                throw new LabException(LabCodes.Results, $"Line {lineNumber} is not a record: {e.Message}",
                    "delete the file (or run with -p:Force=true) so the experiment measures it again.", path, lineNumber);
            }
        }
        return records;
    }

    public static List<Record> ReadAll(IEnumerable<string> paths) => paths.SelectMany(Read).ToList();
}
