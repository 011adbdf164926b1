using System.Text.Json;
using System.Text.Json.Nodes;

namespace VirtLab.Report;

/// <summary>Question A's model: the lab network's evidence saved by virtio-vs-e1000 in results/host-setup/.</summary>
public static class ReportHostSetup
{
    public const int MaxLines = 60;

    /// <summary>The artifacts in the order the answer discusses them: file name, title, code-block language.</summary>
    public static readonly (string Name, string Title, string Language)[] Artifacts =
    [
        ("addresses.txt", "Addresses (`ip addr` in the lab namespace)", "text"),
        ("routes.txt", "Routing table (`ip route`)", "text"),
        ("bridge-link.txt", "Bridge ports (`bridge link`)", "text"),
        ("bridge-fdb.txt", "Bridge forwarding database (`bridge fdb show br br0`)", "text"),
        ("guest-addresses.txt", "The guest's addresses (`ip addr` in the guest)", "text"),
        ("guest-routes.txt", "The guest's routing table (`ip route` in the guest)", "text"),
        ("guest-ping-host.txt", "The guest reaching the host's lab address (`ping` from the guest)", "text"),
        ("interfaces", "The same set-up as /etc/network/interfaces (ifupdown)", "text"),
        ("netplan.yaml", "The same set-up as netplan", "yaml"),
    ];

    public static QuestionA Build(string? directory, string reportDirectory, IReadOnlyDictionary<string, string> lab, string profileArgument)
    {
        var files = new List<HostSetupFile>();
        if (directory is not null && Directory.Exists(directory))
        {
            foreach (var (name, title, language) in Artifacts)
            {
                var path = Path.Combine(directory, name);
                if (!File.Exists(path)) continue;
                var (content, truncated) = Head(File.ReadAllText(path), MaxLines);
                files.Add(new HostSetupFile(name, title, language, content, ReportPaths.Link(reportDirectory, path), truncated));
            }
        }
        var evidence = directory is null ? null : ReadEvidence(Path.Combine(directory, "evidence.json"));
        return new QuestionA(
            Measured: files.Count > 0,
            DirectoryLink: directory is null ? "host-setup/" : ReportPaths.Link(reportDirectory, directory).TrimEnd('/') + "/",
            Files: files,
            HostAddress: lab.GetValueOrDefault("network.hostAddress") ?? "10.1.1.254/24",
            GuestAddress: lab.GetValueOrDefault("network.guestAddress") ?? "10.1.1.1",
            MeasureCommand: $"dotnet build experiments/{ReportIperf.Experiment}.proj{profileArgument}",
            BridgePorts: Strings(evidence?["ports"], "name"),
            LabRoutes: files.FirstOrDefault(f => f.Name == "routes.txt")?.Content.Split('\n', StringSplitOptions.RemoveEmptyEntries) ?? []);
    }

    public static (string Content, bool Truncated) Head(string text, int maxLines)
    {
        var lines = text.Replace("\r\n", "\n").TrimEnd('\n').Split('\n');
        // A code fence inside the content would end the block early.
        var safe = lines.Select(l => l.Replace("```", "'''", StringComparison.Ordinal));
        return lines.Length <= maxLines ? (string.Join('\n', safe), false) : (string.Join('\n', safe.Take(maxLines)), true);
    }

    private static JsonNode? ReadEvidence(string path)
    {
        if (!File.Exists(path)) return null;
        try { return JsonNode.Parse(File.ReadAllText(path)); }
        catch (JsonException) { return null; }
    }

    private static List<string> Strings(JsonNode? array, string property) =>
        array is JsonArray a ? a.Select(n => n?[property]?.GetValue<string>()).OfType<string>().ToList() : [];
}
