using VirtLab.Util;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace VirtLab.Report;

/// <summary>
/// The original submission's figures (templates/report/reference.yaml), shown beside the measured
/// ones and always labelled as the reference. Derived figures (events/s, ratios) are computed here.
/// </summary>
public sealed class ReportReference
{
    public string Label { get; set; } = "original submission (reference)";
    public BridgeReference Bridge { get; set; } = new();
    public SysbenchCpuReference SysbenchCpu { get; set; } = new();
    public IperfReference Iperf { get; set; } = new();
    public MigrationReference Migration { get; set; } = new();
    public ExpectationsReference Expectations { get; set; } = new();

    /// <summary>iperf during the migration relative to the virtio baseline of question C.</summary>
    public double? MigrationIperfOverVirtio =>
        Iperf.Virtio.GbitPerSecond > 0 ? Migration.Iperf.AverageGbitPerSecond / Iperf.Virtio.GbitPerSecond : null;

    public static ReportReference Load(string path)
    {
        var deserializer = new DeserializerBuilder().WithNamingConvention(CamelCaseNamingConvention.Instance).Build();
        try
        {
            return deserializer.Deserialize<ReportReference?>(File.ReadAllText(path)) ?? new ReportReference();
        }
        catch (YamlException e)
        {
            throw new LabException(LabCodes.Template, $"The report's reference figures cannot be read: {e.InnerException?.Message ?? e.Message}",
                "fix the key or value at that line; ReportReference.cs lists the keys.", path, (int)e.Start.Line, (int)e.Start.Column);
        }
        catch (IOException e)
        {
            throw new LabException(LabCodes.Template, $"The report's reference figures cannot be read: {e.Message}",
                "restore templates/report/reference.yaml from the repository.", path);
        }
    }
}

