using System.Xml.Linq;
using VirtLab.Report;

namespace VirtLab.Tests;

public class SvgBarChartTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    private static SvgBarChartSpec Spec(params SvgBarGroup[] groups) =>
        new("t", "Throughput <&> \"test\"", "Gbit/s", [new("guest-to-host", "#111111"), new("host-to-guest", "#222222")], groups, ValueDecimals: 2);

    [Theory]
    [InlineData(667.5, 800, 200)]
    [InlineData(792.95, 1000, 200)]
    [InlineData(2.3, 2.5, 0.5)]
    [InlineData(21000, 25000, 5000)]
    [InlineData(0, 1, 0.2)]
    public void Axis_maximum_and_step_are_round_numbers_above_the_data(double max, double top, double step)
    {
        var (t, s) = SvgBarChart.NiceScale(max);
        Assert.Equal(top, t, 9);
        Assert.Equal(step, s, 9);
    }

    [Fact]
    public void The_chart_is_well_formed_svg_with_bars_whiskers_axis_label_and_legend()
    {
        var svg = SvgBarChart.Render(Spec(
            new SvgBarGroup("virtio-net-pci", [new("guest-to-host", 1.137, 1.087, 1.186), new("host-to-guest", 1.521, 1.455, 1.587)]),
            new SvgBarGroup("e1000", [new("guest-to-host", 0.49, 0.43, 0.55)])));
        var doc = XDocument.Parse(svg);

        Assert.Equal(3, doc.Descendants(Svg + "rect").Count(r => (string?)r.Attribute("class") == "bar"));
        Assert.Equal(3, doc.Descendants(Svg + "line").Count(l => (string?)l.Attribute("class") == "whisker"));
        var texts = doc.Descendants(Svg + "text").Select(t => t.Value).ToList();
        Assert.Contains("Gbit/s", texts);
        Assert.Contains("guest-to-host", texts);
        Assert.Contains("host-to-guest", texts);
        Assert.Contains("1.14", texts);
        Assert.Contains("Throughput <&> \"test\"", texts);
    }

    [Fact]
    public void An_unavailable_bar_is_a_hatched_slot_labelled_with_its_reason_as_tooltip()
    {
        var svg = SvgBarChart.Render(Spec(
            new SvgBarGroup("host", [new("guest-to-host", 1500, 1400, 1600)]),
            new SvgBarGroup("kvm", [new("guest-to-host", null, Note: "unavailable", Tooltip: "QEMU: failed to set MSR 0x10a")])));
        var doc = XDocument.Parse(svg);

        var slot = doc.Descendants(Svg + "rect").Single(r => (string?)r.Attribute("class") == "unavailable");
        Assert.Equal("url(#t-hatch)", (string?)slot.Attribute("fill"));
        Assert.Equal("QEMU: failed to set MSR 0x10a", slot.Element(Svg + "title")?.Value);
        Assert.Single(doc.Descendants(Svg + "pattern"), p => (string?)p.Attribute("id") == "t-hatch");
        Assert.Contains(doc.Descendants(Svg + "text"), t => t.Value == "unavailable");
        Assert.Contains(doc.Descendants(Svg + "text"), t => t.Value == "not measured here");
    }

    [Fact]
    public void A_mark_is_a_dot_above_its_whisker_the_axis_reaches_it_and_the_legend_names_whisker_and_mark()
    {
        var spec = Spec(new SvgBarGroup("e1000", [new("guest-to-host", 400, 400, 940, Mark: 2870)])) with { WhiskerLabel = "p50–p99", MarkLabel = "p99.9" };
        var doc = XDocument.Parse(SvgBarChart.Render(spec));
        double A(XElement e, string name) => double.Parse((string)e.Attribute(name)!, System.Globalization.CultureInfo.InvariantCulture);

        var bar = doc.Descendants(Svg + "rect").Single(r => (string?)r.Attribute("class") == "bar");
        var whisker = doc.Descendants(Svg + "line").Single(l => (string?)l.Attribute("class") == "whisker");
        var mark = doc.Descendants(Svg + "circle").Single(c => (string?)c.Attribute("class") == "mark");
        var baseline = A(bar, "y") + A(bar, "height");
        var perUnit = A(bar, "height") / 400;
        Assert.Equal(baseline - 940 * perUnit, A(whisker, "y2"), 0.1);
        Assert.Equal(baseline - 2870 * perUnit, A(mark, "cy"), 0.1);
        Assert.True(A(mark, "cy") > 46, "the dot lies inside the plot: the axis maximum is above the mark");
        Assert.Equal("guest-to-host: p99.9 2870.00", mark.Element(Svg + "title")?.Value);
        var texts = doc.Descendants(Svg + "text").Select(t => t.Value).ToList();
        Assert.Contains("3000", texts); // NiceScale(2870): top 3000
        Assert.Contains("p50–p99", texts);
        Assert.Contains("p99.9", texts);
        Assert.Contains("2870.00", texts);
        Assert.DoesNotContain("min–max", texts);
    }

    [Fact]
    public void The_markup_has_no_blank_line_so_markdown_keeps_it_one_html_block()
    {
        var svg = SvgBarChart.Render(Spec(new SvgBarGroup("a\nsecond line", [new("guest-to-host", 1.0)])));
        Assert.DoesNotContain("\n\n", svg);
        Assert.DoesNotMatch(@"\n\s*\n", svg);
    }
}
