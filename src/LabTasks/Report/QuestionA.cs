namespace VirtLab.Report;

public sealed record QuestionA(
    bool Measured,
    string DirectoryLink,
    IReadOnlyList<HostSetupFile> Files,
    string HostAddress,
    string GuestAddress,
    string MeasureCommand,
    IReadOnlyList<string> BridgePorts,
    IReadOnlyList<string> LabRoutes)
{
    /// <summary>The files that answer the question on their own (routes, bridge ports, FDB, the interfaces file); the report shows these.</summary>
    private static readonly HashSet<string> KeyNames = ["routes.txt", "bridge-link.txt", "bridge-fdb.txt", "interfaces"];

    public IReadOnlyList<HostSetupFile> KeyFiles => Files.Where(f => KeyNames.Contains(f.Name)).ToList();

    /// <summary>The rest of the evidence (addresses, the guest's view, netplan, evidence.json): the appendix shows these.</summary>
    public IReadOnlyList<HostSetupFile> OtherFiles => Files.Where(f => !KeyNames.Contains(f.Name)).ToList();
}
