namespace VirtLab.Qemu;

/// <summary>CPU seconds (user + system) a process has used so far, from /proc/&lt;pid&gt;/stat.</summary>
public static class ProcessCpuTime
{
    public static double Seconds(int pid) => Parse(File.ReadAllText($"/proc/{pid}/stat"));

    public static double Parse(string stat) =>
        (Noise.ProcessSample.Parse(stat) ?? throw new FormatException($"Not a /proc/<pid>/stat line: {stat}")).Cpu;
}
