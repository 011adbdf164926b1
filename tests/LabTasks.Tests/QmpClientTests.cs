using System.Diagnostics;
using System.Text.Json;
using VirtLab.Qemu;
using VirtLab.Util;

namespace VirtLab.Tests;

public sealed class QmpClientTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Fact]
    public void Handshake_status_and_version_against_a_real_qemu()
    {
        using var qemu = TestQemu.Start();
        using var qmp = QmpClient.Connect(qemu.QmpSocket, Bound);

        Assert.Equal(7, qmp.Greeting.GetProperty("version").GetProperty("qemu").GetProperty("major").GetInt32());
        Assert.Equal("prelaunch", qmp.QueryStatus()); // -S: not started yet
        var version = qmp.Execute("query-version").GetProperty("qemu");
        Assert.Equal(7, version.GetProperty("major").GetInt32());
        Assert.Equal(2, version.GetProperty("minor").GetInt32());
        Assert.Equal(JsonValueKind.Object, qmp.Execute("query-name", timeout: Bound).ValueKind);
    }

    [Fact]
    public void An_unknown_command_is_a_LAB0043_with_qemus_error_class()
    {
        using var qemu = TestQemu.Start();
        using var qmp = QmpClient.Connect(qemu.QmpSocket, Bound);

        var e = Assert.Throws<LabException>(() => qmp.Execute("no-such-command"));
        Assert.Equal(LabCodes.Qmp, e.Code);
        Assert.StartsWith("no-such-command: CommandNotFound: ", e.Message);

        // Bad arguments come back as a GenericError, and the connection stays usable.
        var bad = Assert.Throws<LabException>(() => qmp.Execute("query-status", new { bogus = 1 }));
        Assert.Contains("GenericError", bad.Message);
        Assert.Equal("prelaunch", qmp.QueryStatus());
    }

    [Fact]
    public void Events_are_kept_apart_from_replies()
    {
        using var qemu = TestQemu.Start();
        using var qmp = QmpClient.Connect(qemu.QmpSocket, Bound);

        qmp.Execute("cont");
        var resume = qmp.WaitForEvent("RESUME", Bound);
        Assert.Equal("running", qmp.QueryStatus());
        qmp.Execute("stop");
        var stop = qmp.WaitForEvent("STOP", Bound);

        Assert.True(stop.Timestamp >= resume.Timestamp);
        Assert.True(Math.Abs((stop.Timestamp - DateTimeOffset.UtcNow).TotalSeconds) < 60, $"timestamp {stop.Timestamp}");
        Assert.Equal(["RESUME", "STOP"], qmp.Events.Select(e => e.Name).ToArray());
        Assert.Equal("paused", qmp.QueryStatus());

        var e = Assert.Throws<LabException>(() => qmp.WaitForEvent("SHUTDOWN", TimeSpan.FromMilliseconds(200)));
        Assert.Equal(LabCodes.Qmp, e.Code);
    }

    [Fact]
    public void Quit_makes_qemu_exit()
    {
        using var qemu = TestQemu.Start();
        using var qmp = QmpClient.Connect(qemu.QmpSocket, Bound);

        Assert.True(qmp.Quit());
        Assert.True(qmp.IsClosed);
        Assert.Contains(qmp.Events, e => e.Name == "SHUTDOWN");
        Assert.True(qemu.WaitForExit(Bound), "QEMU still running after quit");
        Assert.Throws<LabException>(() => qmp.QueryStatus());
    }

    [Fact]
    public async Task Connect_waits_for_qemu_to_create_the_socket()
    {
        var dir = Directory.CreateTempSubdirectory("vlqmp-");
        try
        {
            var socket = Path.Combine(dir.FullName, "qmp.sock");
            var connecting = Task.Run(() => QmpClient.Connect(socket, TimeSpan.FromSeconds(20)));
            Thread.Sleep(300);
            Assert.False(connecting.IsCompleted);
            using var qemu = TestQemu.Start(dir.FullName);
            using var qmp = await connecting.WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal("prelaunch", qmp.QueryStatus());
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void A_missing_socket_is_a_LAB0043_after_the_deadline()
    {
        var watch = Stopwatch.StartNew();
        var e = Assert.Throws<LabException>(() => QmpClient.Connect("/nonexistent/vl-qmp.sock", TimeSpan.FromMilliseconds(300)));
        Assert.Equal(LabCodes.Qmp, e.Code);
        Assert.InRange(watch.Elapsed, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(3));
    }

    /// <summary>A daemonized QEMU with no machine, only a QMP socket; killed by pidfile on Dispose (MigrationFeaturesQemuTests uses it too).</summary>
    internal sealed class TestQemu : IDisposable
    {
        private readonly string _dir;
        private readonly bool _ownsDir;
        private readonly int _pid;

        private TestQemu(string dir, bool ownsDir, int pid)
        {
            _dir = dir;
            _ownsDir = ownsDir;
            _pid = pid;
        }

        public string QmpSocket => Path.Combine(_dir, "qmp.sock");

        public static TestQemu Start(string? dir = null)
        {
            var ownsDir = dir is null;
            dir ??= Directory.CreateTempSubdirectory("vlqmp-").FullName;
            var pidFile = Path.Combine(dir, "q.pid");
            try
            {
                ProcessRunner.RunChecked(LabCodes.Qmp, "qemu-system-x86_64",
                    ["-machine", "none", "-nodefaults", "-display", "none", "-S",
                     "-qmp", $"unix:{Path.Combine(dir, "qmp.sock")},server=on,wait=off",
                     "-daemonize", "-pidfile", pidFile], Bound);
                return new TestQemu(dir, ownsDir, int.Parse(File.ReadAllText(pidFile).Trim()));
            }
            catch
            {
                KillFromPidFile(pidFile);
                if (ownsDir) Directory.Delete(dir, recursive: true);
                throw;
            }
        }

        public bool WaitForExit(TimeSpan timeout)
        {
            var deadline = DateTime.UtcNow + timeout;
            while (IsRunning(_pid))
            {
                if (DateTime.UtcNow > deadline) return false;
                Thread.Sleep(50);
            }
            return true;
        }

        public void Dispose()
        {
            Kill(_pid);
            if (_ownsDir) Directory.Delete(_dir, recursive: true);
        }

        private static void KillFromPidFile(string pidFile)
        {
            if (File.Exists(pidFile) && int.TryParse(File.ReadAllText(pidFile).Trim(), out var pid)) Kill(pid);
        }

        private static void Kill(int pid)
        {
            if (!IsRunning(pid)) return;
            try
            {
                using var p = Process.GetProcessById(pid);
                if (p.ProcessName.StartsWith("qemu-system")) p.Kill();
            }
            catch (ArgumentException) { } // already gone
        }

        // A daemonized QEMU is reparented; where nobody reaps it, it lingers as a zombie after exit.
        private static bool IsRunning(int pid)
        {
            try
            {
                var stat = File.ReadAllText($"/proc/{pid}/stat");
                return stat[(stat.LastIndexOf(')') + 2)..][0] != 'Z';
            }
            catch (IOException)
            {
                return false;
            }
        }
    }
}
