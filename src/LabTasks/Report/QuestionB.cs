namespace VirtLab.Report;

public sealed record QuestionB(
    bool Measured,
    RecordsSource? Source,
    string MeasureCommand,
    SysbenchView? Cpu,
    SysbenchView? Memory,
    KvmStatus Kvm,
    SysbenchParameters Parameters,
    ExpectedKvm Expected,
    bool? MemorySuffersMore,
    IReadOnlyList<ImportedSysbenchRow> Imported);
