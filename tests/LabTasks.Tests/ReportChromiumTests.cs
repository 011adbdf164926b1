using System.Buffers.Binary;
using System.IO.Compression;
using System.Text.RegularExpressions;
using VirtLab.Report;
using VirtLab.Util;
using Xunit.Abstractions;

namespace VirtLab.Tests;

/// <summary>
/// The rendered HTML opened in a real browser (headless Chromium, file:// URL, no network): it
/// loads, its DOM holds every question and chart, and a screenshot is kept as a test artifact.
/// </summary>
public class ReportChromiumTests(ITestOutputHelper output)
{
    private const string Chromium = "/usr/bin/chromium";

    private static List<string> Flags(string profileDir) =>
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", $"--user-data-dir={profileDir}",
    ];

    [Fact]
    public void The_html_report_opens_in_headless_chromium_with_every_question_and_chart()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: run ./install-deps.sh as root (it installs the 'chromium' package).");
        using var ws = new ReportWorkspace();
        ws.Place(ReportSysbench.Experiment, ReportWorkspace.SysbenchFixture);
        ws.Place(ReportIperf.Experiment, ReportWorkspace.IperfFixture, ReportWorkspace.LatencyFixture);
        ws.Place(ReportMigration.Experiment, ReportWorkspace.MigrationFixture);
        var report = ReportGenerator.Generate(ws.Options(hostSetup: ReportWorkspace.HostSetupFixture));

        var artifacts = Path.Combine(AppContext.BaseDirectory, "artifacts");
        Directory.CreateDirectory(artifacts);
        var html = Path.Combine(artifacts, "report.html");
        File.Copy(Path.Combine(ws.Root, "results", "report-quick.html"), html, overwrite: true);
        var url = new Uri(html).AbsoluteUri;

        var dom = RunChromium(ws, ["--dump-dom", "--enable-logging=stderr", "--v=0", url]);
        Assert.Equal(report.Charts.Count, Regex.Matches(dom.StandardOutput, "<svg ").Count);
        foreach (var q in new[] { "A", "B", "C", "D", "E", "F", "G", "H" })
            Assert.Matches($"<h2 id=\"[^\"]+\">{q}\\. ", dom.StandardOutput);
        Assert.Contains("<h2 id=\"environment\">Environment</h2>", dom.StandardOutput);
        // Console messages (script errors, failed resource loads) are logged as "CONSOLE(": a page with no script and no external resource has none.
        Assert.DoesNotContain("CONSOLE(", dom.StandardError);

        // The appendix (report-data.html) opens the same way, one anchor per question for the report's links.
        var data = Path.Combine(artifacts, "report-data.html");
        File.Copy(Path.Combine(ws.Root, "results", "report-quick-data.html"), data, overwrite: true);
        var dataDom = RunChromium(ws, ["--dump-dom", "--enable-logging=stderr", "--v=0", new Uri(data).AbsoluteUri]);
        foreach (var q in new[] { "a", "b", "c", "d", "e", "f", "g", "h" })
            Assert.Contains($"<h2 id=\"{q}\">", dataDom.StandardOutput);
        Assert.Contains("<table>", dataDom.StandardOutput);
        Assert.DoesNotContain("CONSOLE(", dataDom.StandardError);

        var png = Path.Combine(artifacts, "report.png");
        File.Delete(png);
        RunChromium(ws, [$"--screenshot={png}", "--window-size=1280,4000", "--hide-scrollbars", url]);
        Assert.True(File.Exists(png), "chromium wrote no screenshot");
        var (width, height, dark) = PngDarkShare(File.ReadAllBytes(png));
        Assert.Equal((1280, 4000), (width, height));
        Assert.True(dark > 0.005, $"the screenshot is almost blank (only {dark:P2} of its pixels are dark: text, axes, bars)");

        output.WriteLine($"screenshot: {png} ({dark:P1} dark pixels)");
        Console.WriteLine($"ReportChromiumTests: screenshot in {png}");
    }

    private static ProcessResult RunChromium(ReportWorkspace ws, IEnumerable<string> arguments)
    {
        var profile = Path.Combine(ws.Root, "chromium-profile-" + Guid.NewGuid().ToString("N")[..6]);
        var result = ProcessRunner.Run(Chromium, [.. Flags(profile), .. arguments], TimeSpan.FromSeconds(90));
        Assert.True(result.ExitCode == 0, $"chromium exited with {result.ExitCode}: {ProcessRunner.Tail(result.StandardError)}");
        return result;
    }

    /// <summary>Width, height and the share of dark pixels (luma below one half) of an 8-bit RGB/RGBA PNG.</summary>
    public static (int Width, int Height, double Dark) PngDarkShare(byte[] png)
    {
        int width = 0, height = 0, channels = 0;
        using var idat = new MemoryStream();
        for (var at = 8; at < png.Length;)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(at));
            var type = System.Text.Encoding.ASCII.GetString(png, at + 4, 4);
            var data = png.AsSpan(at + 8, length);
            if (type == "IHDR")
            {
                width = BinaryPrimitives.ReadInt32BigEndian(data);
                height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                Assert.Equal(8, data[8]);
                channels = data[9] switch { 2 => 3, 6 => 4, var t => throw new InvalidOperationException($"PNG colour type {t} not handled") };
            }
            else if (type == "IDAT") idat.Write(data);
            at += 12 + length;
        }
        idat.Position = 0;
        using var inflated = new MemoryStream();
        using (var z = new ZLibStream(idat, CompressionMode.Decompress)) z.CopyTo(inflated);
        var raw = inflated.ToArray();

        var stride = width * channels;
        var previous = new byte[stride];
        var current = new byte[stride];
        long dark = 0;
        for (var y = 0; y < height; y++)
        {
            var filter = raw[y * (stride + 1)];
            var line = raw.AsSpan(y * (stride + 1) + 1, stride);
            for (var i = 0; i < stride; i++)
            {
                int a = i >= channels ? current[i - channels] : 0, b = previous[i], c = i >= channels ? previous[i - channels] : 0;
                var predictor = filter switch
                {
                    0 => 0,
                    1 => a,
                    2 => b,
                    3 => (a + b) / 2,
                    4 => Paeth(a, b, c),
                    _ => throw new InvalidOperationException($"PNG filter {filter}"),
                };
                current[i] = (byte)(line[i] + predictor);
            }
            for (var x = 0; x < width; x++)
                if (0.299 * current[x * channels] + 0.587 * current[x * channels + 1] + 0.114 * current[x * channels + 2] < 128) dark++;
            (previous, current) = (current, previous);
        }
        return (width, height, (double)dark / ((long)width * height));
    }

    private static int Paeth(int a, int b, int c)
    {
        int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
}
