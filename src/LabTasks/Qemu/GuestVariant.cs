using VirtLab.Util;

namespace VirtLab.Qemu;

/// <summary>
/// How one guest session's guests differ from lab.yaml's guest, for a migration scenario that
/// tests what might avoid QEMU 7.2 TCG's corruption of busy migrated guests (MigrationScenario
/// metadata KernelArguments, TcgThreads, CpuModel). Null: lab.yaml's guest as every experiment
/// boots it. Every generation of a migrated guest (source, destination, a guest booted afresh
/// after a corrupted one) runs the same variant: <c>spec with { … }</c> keeps it.
/// </summary>
/// <param name="KernelArguments">Replaces lab.yaml guest.kernelArguments (empty: none at all).</param>
/// <param name="TcgThreads">"multi" or "single" (-accel tcg,thread=…); TCG only.</param>
/// <param name="CpuModel">QEMU's -cpu value (e.g. "max,-pcid") instead of max (TCG) or host (KVM).</param>
public sealed record GuestVariant(IReadOnlyList<string>? KernelArguments = null, string? TcgThreads = null, string? CpuModel = null)
{
    public static readonly string[] TcgThreadModes = ["multi", "single"];

    /// <summary>lab.yaml's guest.</summary>
    public static GuestVariant Default { get; } = new();

    public bool IsDefault => KernelArguments is null && TcgThreads is null && CpuModel is null;

    /// <summary>
    /// Validates a variant from its metadata (empty: lab.yaml's / QEMU's default; KernelArguments
    /// "none": no extra kernel arguments). <paramref name="owner"/> names what the values came from
    /// ("Migration scenario 'soak-pti'"): every error names it and the fix (LAB0002).
    /// </summary>
    public static GuestVariant Parse(string owner, string? kernelArguments, string? tcgThreads, string? cpuModel, string accel)
    {
        IReadOnlyList<string>? arguments = null;
        if (kernelArguments?.Trim() is { Length: > 0 } text)
        {
            var list = text == "none" ? [] : text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (list.FirstOrDefault(a => a == "none" || !QemuCommandLine.IsKernelArgument(a)) is { } bad)
                throw new LabException(LabCodes.ConfigBadValue, $"{owner}: KernelArguments has '{bad}', which is not a kernel argument VirtLab passes on.",
                    "give kernel arguments separated by spaces, each name or name=value of letters, digits and . _ - , (e.g. KernelArguments=\"pti=on\"), 'none' for no extra arguments, or leave KernelArguments empty for lab.yaml's guest.kernelArguments.");
            arguments = list;
        }

        string? threads = null;
        if (tcgThreads?.Trim() is { Length: > 0 } t)
        {
            if (!TcgThreadModes.Contains(t))
                throw new LabException(LabCodes.ConfigBadValue, $"{owner}: TcgThreads '{t}' is not a TCG thread mode.",
                    "use TcgThreads=\"single\" (one thread runs every vCPU: -accel tcg,thread=single) or \"multi\" (a thread per vCPU), or leave it empty for QEMU's default.");
            if (accel != "tcg")
                throw new LabException(LabCodes.ConfigBadValue, $"{owner}: TcgThreads '{t}' applies to TCG, but the guest runs under {accel}.",
                    "remove TcgThreads from this scenario, or run it under TCG (<Accelerator Include=\"tcg\" /> or -p:Accelerator=tcg).");
            threads = t;
        }

        string? cpu = null;
        if (cpuModel is { Length: > 0 } c)
        {
            if (!IsCpuModel(c))
                throw new LabException(LabCodes.ConfigBadValue, $"{owner}: CpuModel '{c}' is not a -cpu value VirtLab passes on.",
                    "give a CPU model and its feature switches as QEMU's -cpu takes them, of letters, digits and - _ . , + = only, without spaces (e.g. CpuModel=\"max,-pcid\"), or leave CpuModel empty for max (TCG) or host (KVM).");
            cpu = c;
        }
        return arguments is null && threads is null && cpu is null ? Default : new GuestVariant(arguments, threads, cpu);
    }

    /// <summary>
    /// A -cpu value: a model name (starting with a letter or digit, not "help") and optional
    /// ",feature", ",-feature", ",+feature" or ",prop=value" switches; nothing QEMU would read as
    /// another option or that a shell would split.
    /// </summary>
    public static bool IsCpuModel(string value) =>
        value.Length is > 0 and <= 200 && char.IsAsciiLetterOrDigit(value[0])
        && value.All(ch => char.IsAsciiLetterOrDigit(ch) || "-_.,+=".Contains(ch))
        && value.Split(',')[0] is var model && model != "help" && model.All(ch => char.IsAsciiLetterOrDigit(ch) || "-_.".Contains(ch))
        && value.Split(',').Skip(1).All(part => part.Length > 0);

    /// <summary>The -cpu a guest under <paramref name="accel"/> runs: the variant's, else max (TCG) or host (KVM).</summary>
    public static string DefaultCpuModel(string accel) => accel == "kvm" ? "host" : "max";

    /// <summary>The guest's own spec with this variant applied (lab.yaml's kernel arguments replaced where the variant has its own).</summary>
    public GuestSpec Apply(GuestSpec spec) => spec with
    {
        ExtraKernelArgs = KernelArguments ?? spec.ExtraKernelArgs,
        TcgThreads = TcgThreads,
        CpuModel = CpuModel,
    };

    /// <summary>
    /// The labels a migration record carries about the guest's variant: guest_kernel_args as the
    /// guest got them, tcg_threads (QEMU's default is "multi" for an x86 guest on an x86 host;
    /// "none" under KVM) and cpu_model (max or host by default).
    /// </summary>
    public static void AddLabels(IDictionary<string, string> labels, GuestSpec spec)
    {
        var arguments = spec.ExtraKernelArgs ?? [];
        labels["guest_kernel_args"] = arguments.Count == 0 ? "none" : string.Join(' ', arguments);
        labels["tcg_threads"] = spec.Accel == "tcg" ? spec.TcgThreads ?? "multi" : "none";
        labels["cpu_model"] = spec.CpuModel ?? DefaultCpuModel(spec.Accel);
    }
}
