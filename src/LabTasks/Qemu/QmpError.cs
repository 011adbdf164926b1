namespace VirtLab.Qemu;

/// <summary>QEMU's refusal of a QMP command: the command, QMP's error class and QEMU's own description.</summary>
public sealed record QmpError(string Command, string Class, string Description)
{
    /// <summary>"migrate-set-capabilities: dirty-limit requires KVM …" — the command and what QEMU said, on one line.</summary>
    public override string ToString() => $"{Command}: {Util.LabException.OneLine(Description)}";
}
