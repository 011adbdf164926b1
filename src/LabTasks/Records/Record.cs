using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace VirtLab.Records;

/// <summary>
/// One measured sample (PerfKit Benchmarker's shape): metric, value, unit, labels, time. An
/// unavailable measurement is a record too, with labels.status = "unavailable" and labels.reason.
/// </summary>
public sealed record Record(
    [property: JsonPropertyName("metric")] string Metric,
    [property: JsonPropertyName("value")] double? Value,
    [property: JsonPropertyName("unit")] string Unit,
    [property: JsonPropertyName("labels")] SortedDictionary<string, string> Labels,
    [property: JsonPropertyName("time")] DateTimeOffset Time)
{
    public const string StatusUnavailable = "unavailable";

    public string? Label(string name) => Labels.TryGetValue(name, out var v) ? v : null;

    [JsonIgnore] public bool IsUnavailable => Label("status") == StatusUnavailable;

    private static readonly JsonSerializerOptions Options = new() { WriteIndented = false };

    public string ToJson() => JsonSerializer.Serialize(this, Options);

    public static Record FromJson(string line) =>
        JsonSerializer.Deserialize<Record>(line, Options) ?? throw new JsonException("empty record");
}
