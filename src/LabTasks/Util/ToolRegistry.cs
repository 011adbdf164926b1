using System.Reflection;
using System.Xml.Linq;

namespace VirtLab.Util;

/// <summary>
/// The tool registry (build/VirtLab.Tools.props, embedded): the same file install-deps.sh and the
/// targets read, so a tool is declared in one place.
/// </summary>
public static class ToolRegistry
{
    private static readonly Lazy<IReadOnlyList<LabTool>> Tools = new(() => Parse(Embedded()));

    public static IReadOnlyList<LabTool> All => Tools.Value;

    /// <summary>The programs the guest image carries (busybox has a place of its own there).</summary>
    public static IEnumerable<LabTool> InGuest => All.Where(t => t.InGuest);

    public static string PackageFor(string program) =>
        All.FirstOrDefault(t => t.Name == Path.GetFileName(program))?.Package ?? Path.GetFileName(program);

    /// <summary>The fix of a LAB0010 (missing program) message.</summary>
    public static string InstallHint(string program) =>
        $"apt-get install -y {PackageFor(program)} (or run ./install-deps.sh, which installs everything VirtLab uses)";

    public static string[] VersionArgumentsOf(string name) =>
        All.FirstOrDefault(t => t.Name == name)?.VersionArguments ?? ["--version"];

    public static IReadOnlyList<LabTool> Parse(string propsXml)
    {
        var items = XDocument.Parse(propsXml).Descendants().Where(e => e.Name.LocalName == "VirtLabTool");
        return items.Select(e => new LabTool(
            Name: Attribute(e, "Include") ?? throw new InvalidDataException("a VirtLabTool without Include"),
            Program: Attribute(e, "Program") ?? "",
            Package: Attribute(e, "Package") ?? "",
            InGuest: Attribute(e, "InGuest") == "true",
            VersionArguments: Attribute(e, "VersionArguments") is { } v ? v.Split(' ', StringSplitOptions.RemoveEmptyEntries) : ["--version"],
            ForTestsOnly: Attribute(e, "For") == "tests")).ToList();
    }

    private static string? Attribute(XElement e, string name) => e.Attribute(name)?.Value;

    private static string Embedded()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("VirtLab.Tools.props")
            ?? throw new InvalidOperationException("The embedded resource VirtLab.Tools.props is missing.");
        return new StreamReader(stream).ReadToEnd();
    }
}
