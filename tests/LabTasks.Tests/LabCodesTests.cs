using System.Text.RegularExpressions;
using VirtLab.Util;

namespace VirtLab.Tests;

public partial class LabCodesTests
{
    private static string Root => RepoCopy.FindRepoRoot();

    [Fact]
    public void Every_code_the_sources_or_targets_raise_is_listed_in_LabCodes()
    {
        var files = Directory.EnumerateFiles(Path.Combine(Root, "src", "LabTasks"), "*.*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".cs") || f.EndsWith(".targets") || f.EndsWith(".props"))
            .Where(f => !f.Contains("/bin/") && !f.Contains("/obj/"));
        var raised = files.SelectMany(f => Code().Matches(File.ReadAllText(f)).Select(m => m.Value)).ToHashSet();
        Assert.Contains("LAB0004", raised); // from VirtLab.targets: the scan reads the targets too
        Assert.Empty(raised.Except(LabCodes.All));
    }

    [Fact]
    public void Every_code_has_its_own_heading_in_the_documentation_page()
    {
        var page = File.ReadAllText(Path.Combine(Root, LabCodes.DocumentationPage));
        var headings = Regex.Matches(page, @"^## (LAB\d{4})\b", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(LabCodes.All, headings.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void An_error_message_names_the_fix_and_the_page_of_its_code()
    {
        var e = new LabException(LabCodes.IntegrityFailed, "The guest is corrupt.", "build again.");
        Assert.Equal("The guest is corrupt. Fix: build again. See docs/lab-codes.md#lab0044.", e.FullMessage);
    }

    [GeneratedRegex(@"LAB\d{4}")]
    private static partial Regex Code();
}
