namespace VirtLab.Report;

public sealed record QuestionA(
    bool Measured,
    string DirectoryLink,
    IReadOnlyList<HostSetupFile> Files,
    string HostAddress,
    string GuestAddress,
    string MeasureCommand,
    IReadOnlyList<string> BridgePorts,
    IReadOnlyList<string> LabRoutes);
