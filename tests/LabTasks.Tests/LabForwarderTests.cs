using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using VirtLab.Net;
using VirtLab.Util;

namespace VirtLab.Tests;

// These tests look at every thread of the test process, so nothing else may run beside them.
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class NetnsCollection
{
    public const string Name = "network namespaces";
}

[Collection(NetnsCollection.Name)]
public sealed class LabForwarderTests
{
    private static readonly IPAddress LabHost = IPAddress.Parse("10.1.1.254");
    private const int EchoPort = 7000;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Fact]
    public void Data_round_trips_through_the_forwarder()
    {
        using var ns = TestNamespace.Create();
        ns.StartEchoServer(EchoPort);
        using var forwarder = LabForwarder.Start(ns.Name, LabHost, EchoPort);

        var payload = new byte[256 * 1024];
        Random.Shared.NextBytes(payload);
        using (var client = ConnectLoopback(forwarder.Port))
            Assert.Equal(payload, Echo(client, payload));

        // The counters move just after each send completes, so the client may be a step ahead.
        WaitFor(() => forwarder.BytesFromLab == payload.Length && forwarder.ActiveConnections == 0);
        Assert.Equal(1, forwarder.ConnectionsAccepted);
        Assert.Equal(0, forwarder.ConnectionsFailed);
        Assert.Equal(payload.Length, forwarder.BytesToLab);
    }

    [Fact]
    public void Lab_sockets_live_in_the_lab_while_threads_and_root_routes_stay_put()
    {
        var processNs = NetworkNamespace.ProcessNamespaceId();
        var routesBefore = RootRoutes();
        using var ns = TestNamespace.Create();
        ns.StartEchoServer(EchoPort);
        Assert.NotEqual(processNs, NetworkNamespace.IdOf(ns.Name));
        using var forwarder = LabForwarder.Start(ns.Name, LabHost, EchoPort);

        // Enough connections for tier-up and thread-pool growth to happen after lab connects.
        for (var i = 0; i < 40; i++)
        {
            using var c = ConnectLoopback(forwarder.Port);
            Assert.Equal("ping"u8.ToArray(), Echo(c, "ping"u8.ToArray()));
        }

        using var open = ConnectLoopback(forwarder.Port);
        Assert.Equal("still here"u8.ToArray(), Echo(open, "still here"u8.ToArray()));

        var labSockets = ns.Exec("ss", "-tnH", "state", "established").StandardOutput;
        Assert.Contains($"10.1.1.254:{EchoPort}", labSockets);
        var rootSockets = ProcessRunner.RunChecked(LabCodes.LabNetwork, "ss", ["-tnH"], Bound).StandardOutput;
        Assert.DoesNotContain("10.1.1.", rootSockets);
        Assert.Contains($"127.0.0.1:{forwarder.Port}", rootSockets);

        Assert.Empty(ThreadsOutsideNamespace(processNs));
        Assert.Equal(processNs, NetworkNamespace.CurrentNamespaceId());
        Assert.Equal(routesBefore, RootRoutes());
    }

    [Fact]
    public void Connecting_to_a_closed_port_fails_fast_and_clearly()
    {
        using var ns = TestNamespace.Create();
        var watch = Stopwatch.StartNew();
        var e = Assert.Throws<LabException>(() => NetworkNamespace.ConnectInNamespace(ns.Name, LabHost, 7001, Bound));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"took {watch.Elapsed}");
        Assert.Equal(LabCodes.LabNetwork, e.Code);
        Assert.Contains("10.1.1.254:7001", e.Message);
        Assert.Contains(ns.Name, e.Message);
        Assert.Contains("ConnectionRefused", e.Message);
    }

    [Fact]
    public void A_missing_namespace_is_a_LAB0030()
    {
        var e = Assert.Throws<LabException>(() => NetworkNamespace.ConnectInNamespace("vltest-missing", LabHost, EchoPort, Bound));
        Assert.Equal(LabCodes.LabNetwork, e.Code);
        Assert.Contains("ip netns add", e.FullMessage);
    }

    [Theory]
    [InlineData("../x")]
    [InlineData("a b")]
    [InlineData("")]
    [InlineData("..")]
    [InlineData("/var/run/netns/x")]
    public void Namespace_names_are_validated(string name)
    {
        Assert.Throws<ArgumentException>(() => NetworkNamespace.ConnectInNamespace(name, LabHost, EchoPort, Bound));
        Assert.Throws<ArgumentException>(() => NetworkNamespace.IdOf(name));
    }

    [Fact]
    public void A_failed_lab_connect_closes_the_client_and_is_kept_for_diagnostics()
    {
        using var ns = TestNamespace.Create();
        using var forwarder = LabForwarder.Start(ns.Name, LabHost, 7001);
        using var client = ConnectLoopback(forwarder.Port);
        Assert.Equal(0, ReceiveOrReset(client));
        WaitFor(() => forwarder.ConnectionsFailed == 1);
        Assert.IsType<LabException>(forwarder.LastError);
        Assert.Contains("ConnectionRefused", forwarder.ToString());
    }

    [Fact]
    public void Dispose_closes_the_listener_and_open_connections()
    {
        using var ns = TestNamespace.Create();
        ns.StartEchoServer(EchoPort);
        var forwarder = LabForwarder.Start(ns.Name, LabHost, EchoPort);
        var port = forwarder.Port;
        using var open = ConnectLoopback(port);
        Assert.Equal("x"u8.ToArray(), Echo(open, "x"u8.ToArray()));
        Assert.Equal(1, forwarder.ActiveConnections);

        forwarder.Dispose();

        Assert.Equal(0, ReceiveOrReset(open));
        var e = Assert.Throws<SocketException>(() => ConnectLoopback(port).Dispose());
        Assert.Equal(SocketError.ConnectionRefused, e.SocketErrorCode);
    }

    private static Socket ConnectLoopback(int port)
    {
        var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp)
        {
            ReceiveTimeout = (int)Bound.TotalMilliseconds,
            SendTimeout = (int)Bound.TotalMilliseconds,
        };
        try
        {
            s.Connect(IPAddress.Loopback, port);
            return s;
        }
        catch
        {
            s.Dispose();
            throw;
        }
    }

    // Sends the payload from one thread while reading the echo on this one (a large payload
    // would otherwise fill both directions' buffers).
    private static byte[] Echo(Socket s, byte[] payload)
    {
        var sender = Task.Run(() => s.Send(payload));
        var received = new byte[payload.Length];
        var got = 0;
        while (got < payload.Length)
        {
            var n = s.Receive(received, got, payload.Length - got, SocketFlags.None);
            if (n == 0) throw new EndOfStreamException($"echo ended after {got} of {payload.Length} bytes");
            got += n;
        }
        Assert.True(sender.Wait(Bound));
        return received;
    }

    private static int ReceiveOrReset(Socket s)
    {
        try
        {
            return s.Receive(new byte[16]);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
            return 0;
        }
    }

    private static string RootRoutes() =>
        ProcessRunner.RunChecked(LabCodes.LabNetwork, "ip", ["route", "show", "table", "all"], Bound).StandardOutput +
        ProcessRunner.RunChecked(LabCodes.LabNetwork, "ip", ["-6", "route", "show", "table", "all"], Bound).StandardOutput;

    // The short-lived lab threads may still be exiting right after a connect; give them a moment.
    private static List<string> ThreadsOutsideNamespace(string expected)
    {
        List<string> outside = [];
        for (var attempt = 0; attempt < 20; attempt++)
        {
            outside = [];
            foreach (var task in Directory.GetDirectories("/proc/self/task"))
            {
                try
                {
                    var ns = new FileInfo(Path.Combine(task, "ns/net")).LinkTarget;
                    if (ns != expected)
                        outside.Add($"{Path.GetFileName(task)} '{File.ReadAllText(Path.Combine(task, "comm")).Trim()}' in {ns}");
                }
                catch (IOException) { } // the thread exited meanwhile
            }
            if (outside.Count == 0) break;
            Thread.Sleep(100);
        }
        return outside;
    }

    private static void WaitFor(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Bound;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met in time");
            Thread.Sleep(20);
        }
    }
}
