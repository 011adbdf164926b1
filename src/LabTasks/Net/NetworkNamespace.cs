using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;
using VirtLab.Util;

namespace VirtLab.Net;

/// <summary>
/// Opens TCP connections inside a named network namespace (/var/run/netns/NAME) without moving any
/// long-lived thread of this process out of its own namespace.
/// </summary>
/// <remarks>
/// Network namespaces are per thread, and a thread the runtime creates lazily (socket engine,
/// thread-pool workers, tiered-compilation worker, background GC) inherits the namespace of the
/// thread that triggered it. A socket, however, keeps the namespace it was created in for its whole
/// life: connect, routing and all traffic use the socket's namespace, not the calling thread's.
/// So the only code that runs inside the lab is a throw-away thread making four raw syscalls
/// (setns, readlink, socket, nothing else: no allocation, no managed socket code); it ends
/// immediately, and the connect happens on the caller's thread.
/// </remarks>
public static partial class NetworkNamespace
{
    private const int CloneNewNet = 0x40000000;
    private const int ORdOnly = 0, OCloExec = 0x80000;
    private const int SockStream = 1, SockCloExec = 0x80000;
    private const int AfInet = 2, AfInet6 = 10;
    private const int AtFdCwd = -100;
    private const uint StatxIno = 0x100;
    private const int StatxInoOffset = 32; // struct statx: u32 mask, u32 blksize, u64 attributes, u32 nlink, u32 uid, u32 gid, u16 mode, u16 pad, u64 ino
    private static readonly TimeSpan LabThreadBound = TimeSpan.FromSeconds(10);
    private static int _prelinked;

    [GeneratedRegex("^[A-Za-z0-9_.-]{1,64}$")]
    private static partial Regex NameRegex();

    /// <summary>Throws ArgumentException unless <paramref name="netnsName"/> is a plain name (no path, no spaces).</summary>
    public static void ValidateName(string netnsName)
    {
        ArgumentNullException.ThrowIfNull(netnsName);
        if (!NameRegex().IsMatch(netnsName) || netnsName is "." or "..")
            throw new ArgumentException($"'{netnsName}' is not a valid network namespace name (allowed: 1-64 of A-Z a-z 0-9 _ . -).", nameof(netnsName));
    }

    public static string PathOf(string netnsName)
    {
        ValidateName(netnsName);
        return "/var/run/netns/" + netnsName;
    }

    public static bool Exists(string netnsName) => File.Exists(PathOf(netnsName));

    /// <summary>The calling thread's network namespace, as readlink shows it: "net:[4026531840]".</summary>
    public static string CurrentNamespaceId() => ReadLink("/proc/thread-self/ns/net");

    /// <summary>The namespace of the process's main thread (the one every other thread should share).</summary>
    public static string ProcessNamespaceId() => ReadLink("/proc/self/ns/net");

    /// <summary>The id of a named namespace in the same "net:[inode]" form, without entering it.</summary>
    public static unsafe string IdOf(string netnsName)
    {
        var path = PathOf(netnsName);
        var buffer = stackalloc byte[256];
        var pathBytes = NullTerminated(path);
        fixed (byte* p = pathBytes)
        {
            if (Native.statx(AtFdCwd, p, 0, StatxIno, buffer) != 0)
                throw NamespaceError(netnsName, "stat", Marshal.GetLastPInvokeError());
        }
        return $"net:[{*(ulong*)(buffer + StatxInoOffset)}]";
    }

    /// <summary>
    /// Creates a TCP socket in network namespace <paramref name="netnsName"/> and connects it to
    /// <paramref name="address"/>:<paramref name="port"/> (an IP literal; names are not resolved in
    /// the lab). Returns a connected, blocking socket.
    /// </summary>
    public static Socket ConnectInNamespace(string netnsName, IPAddress address, int port, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentOutOfRangeException.ThrowIfLessThan(port, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        if (address.AddressFamily is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6))
            throw new ArgumentException($"{address} is not an IPv4 or IPv6 address.", nameof(address));

        var targetId = IdOf(netnsName);
        var processId = ProcessNamespaceId();
        if (targetId == processId)
            throw new LabException(LabCodes.LabNetwork,
                $"Network namespace '{netnsName}' is the process's own namespace ({targetId}); refusing to connect to {address}:{port} from it.",
                "the lab must be a namespace of its own; recreate it with 'ip netns add'");

        var fd = CreateSocketInNamespace(netnsName, address.AddressFamily == AddressFamily.InterNetworkV6 ? AfInet6 : AfInet, targetId);
        var socket = new Socket(new SafeSocketHandle(fd, ownsHandle: true));
        try
        {
            Connect(socket, netnsName, new IPEndPoint(address, port), timeout);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static unsafe nint CreateSocketInNamespace(string netnsName, int family, string targetId)
    {
        if (Interlocked.Exchange(ref _prelinked, 1) == 0)
            Marshal.PrelinkAll(typeof(Native)); // bind the P/Invokes here, not on the lab thread

        int nsFd;
        fixed (byte* p = NullTerminated(PathOf(netnsName)))
            nsFd = Native.open(p, ORdOnly | OCloExec);
        if (nsFd < 0)
            throw NamespaceError(netnsName, "open", Marshal.GetLastPInvokeError());

        var state = new LabThreadState(nsFd, family);
        var thread = new Thread(LabThreadMain, maxStackSize: 256 * 1024) { IsBackground = true, Name = "VirtLab netns" };
        thread.Start(state);
        if (!thread.Join(LabThreadBound))
            // The fd stays open on purpose: the thread may still use it.
            throw new LabException(LabCodes.LabNetwork, $"Entering network namespace '{netnsName}' did not finish within {LabThreadBound.TotalSeconds:0} s.");
        Native.close(nsFd);

        if (state.SetnsErrno != 0)
            throw NamespaceError(netnsName, "setns", state.SetnsErrno);
        var seen = Encoding.ASCII.GetString(state.Link, 0, Math.Max(0, state.LinkLength));
        if (seen != targetId)
        {
            if (state.SocketFd >= 0) Native.close(state.SocketFd);
            throw new LabException(LabCodes.LabNetwork,
                $"After setns into '{netnsName}' the thread was in {(seen.Length == 0 ? "an unknown namespace" : seen)}, expected {targetId}; no socket was used.");
        }
        if (state.SocketFd < 0)
            throw NamespaceError(netnsName, "socket", state.SocketErrno);
        return state.SocketFd;
    }

    private sealed class LabThreadState(int nsFd, int family)
    {
        public readonly int NsFd = nsFd;
        public readonly int Family = family;
        public readonly byte[] Link = new byte[64];
        public int LinkLength = -1;
        public int SetnsErrno;
        public int SocketFd = -1;
        public int SocketErrno;
    }

    // Runs inside the lab namespace: raw syscalls only. No allocation (a GC could start the
    // background GC thread from here), no call counting (tier-up could start the JIT worker).
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static unsafe void LabThreadMain(object? o)
    {
        var s = (LabThreadState)o!;
        if (Native.setns(s.NsFd, CloneNewNet) != 0)
        {
            s.SetnsErrno = Marshal.GetLastPInvokeError();
            return;
        }
        fixed (byte* path = "/proc/thread-self/ns/net\0"u8)
        fixed (byte* link = s.Link)
            s.LinkLength = (int)Native.readlink(path, link, s.Link.Length);
        s.SocketFd = Native.socket(s.Family, SockStream | SockCloExec, 0);
        if (s.SocketFd < 0) s.SocketErrno = Marshal.GetLastPInvokeError();
        // The thread ends here, and the namespace reference it held ends with it.
    }

    // Non-blocking connect + poll: bounded, synchronous, and it never touches the async socket engine.
    private static void Connect(Socket socket, string netnsName, IPEndPoint endPoint, TimeSpan timeout)
    {
        socket.Blocking = false;
        try
        {
            socket.Connect(endPoint);
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.WouldBlock or SocketError.InProgress)
        {
            var micros = (int)Math.Clamp(timeout.TotalMicroseconds, 0, int.MaxValue);
            if (!socket.Poll(micros, SelectMode.SelectWrite))
                throw ConnectError(netnsName, endPoint, $"no answer within {timeout.TotalSeconds:0.###} s", new SocketException((int)SocketError.TimedOut));
            var error = (SocketError)(int)socket.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.Error)!;
            if (error != SocketError.Success)
                throw ConnectError(netnsName, endPoint, error.ToString(), new SocketException((int)error));
        }
        catch (SocketException e)
        {
            throw ConnectError(netnsName, endPoint, e.SocketErrorCode.ToString(), e);
        }
        socket.Blocking = true;
        if (!socket.Connected)
            throw ConnectError(netnsName, endPoint, "the socket did not report connected", null);
    }

    private static LabException ConnectError(string netnsName, IPEndPoint endPoint, string why, Exception? inner) =>
        new(LabCodes.LabNetwork, $"Cannot connect to {endPoint} in network namespace '{netnsName}': {why}.",
            $"check that the lab is up and something listens on {endPoint} (ip netns exec {netnsName} ss -tln)", inner: inner);

    private static LabException NamespaceError(string netnsName, string call, int errno) =>
        new(LabCodes.LabNetwork, $"Network namespace '{netnsName}': {call} failed: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno}).",
            errno == 2 ? $"create it first (ip netns add {netnsName}), or bring the lab up" : "run as root (setns needs CAP_SYS_ADMIN)");

    private static string ReadLink(string path) =>
        new FileInfo(path).LinkTarget ?? throw new IOException($"{path} is not a symbolic link.");

    private static byte[] NullTerminated(string s) => Encoding.UTF8.GetBytes(s + "\0");

    private static unsafe class Native
    {
        [DllImport("libc", SetLastError = true)] public static extern int setns(int fd, int nstype);
        [DllImport("libc", SetLastError = true)] public static extern int open(byte* path, int flags);
        [DllImport("libc", SetLastError = true)] public static extern int close(int fd);
        [DllImport("libc", SetLastError = true)] public static extern int socket(int domain, int type, int protocol);
        [DllImport("libc", SetLastError = true)] public static extern nint readlink(byte* path, byte* buffer, nint size);
        [DllImport("libc", SetLastError = true)] public static extern int statx(int dirfd, byte* path, int flags, uint mask, byte* buffer);
    }
}
