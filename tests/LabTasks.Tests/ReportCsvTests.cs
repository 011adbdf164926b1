using VirtLab.Records;
using VirtLab.Report;
using Record = VirtLab.Records.Record;

namespace VirtLab.Tests;

public class ReportCsvTests
{
    private static readonly DateTimeOffset Time = new(2026, 11, 25, 14, 59, 50, TimeSpan.Zero);

    [Fact]
    public void Columns_are_time_metric_value_unit_then_every_label_key_sorted()
    {
        var csv = ReportCsv.ToCsv([
            new Record("events_per_second", 231.7, "events/s", new() { ["accel"] = "tcg", ["workload"] = "cpu" }, Time),
            new Record("throughput", 1.137, "Gbit/s", new() { ["nic"] = "virtio-net-pci", ["accel"] = "tcg" }, Time),
        ]);
        var lines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal("time,metric,value,unit,accel,nic,workload", lines[0]);
        Assert.Equal("2026-11-25T14:59:50.0000000+00:00,events_per_second,231.7,events/s,tcg,,cpu", lines[1]);
        Assert.Equal("2026-11-25T14:59:50.0000000+00:00,throughput,1.137,Gbit/s,tcg,virtio-net-pci,", lines[2]);
    }

    [Fact]
    public void An_unavailable_record_has_an_empty_value_and_its_reason_quoted()
    {
        var csv = ReportCsv.ToCsv([
            new Record("events_per_second", null, "events/s",
                new() { ["status"] = "unavailable", ["reason"] = "QEMU said \"failed, to set MSR\"\nand stopped" }, Time),
        ]);

        Assert.Contains(",events_per_second,,events/s,\"QEMU said \"\"failed, to set MSR\"\"\nand stopped\",unavailable\r\n", csv);
    }

    [Fact]
    public void Export_writes_records_csv_beside_the_ndjson_file()
    {
        var dir = Path.Combine(Path.GetTempPath(), "virtlab-csv-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var ndjson = Path.Combine(dir, "records.ndjson");
            Directory.CreateDirectory(dir);
            File.Copy(ReportWorkspace.SysbenchFixture, ndjson);

            var csv = ReportCsv.Export(ndjson);

            Assert.Equal(Path.Combine(dir, "records.csv"), csv);
            var lines = File.ReadAllLines(csv);
            Assert.Equal(RecordFile.Read(ndjson).Count + 1, lines.Length);
            Assert.StartsWith("time,metric,value,unit,accel,", lines[0]);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
