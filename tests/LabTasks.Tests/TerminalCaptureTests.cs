using VirtLab.Util;

namespace VirtLab.Tests;

public class TerminalCaptureTests
{
    private static string Terminal(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "fixtures", "terminal", name));

    [Fact]
    public void Ctrl_C_echo_glued_to_the_total_line_is_removed_and_its_line_remembered()
    {
        var capture = TerminalCapture.Read(Terminal("iperf-2.1.8-client-t100-i2-ctrl-c-pty.txt"));

        var total = capture.Lines.ToList().FindIndex(l => l.StartsWith("[  1] 0.0000-12.4259 sec", StringComparison.Ordinal));
        Assert.Equal("[  1] 0.0000-12.4259 sec  19.1 GBytes  13.2 Gbits/sec", capture.Lines[total]);
        Assert.Equal([total], capture.InterruptLines);
        Assert.Empty(capture.SuspendLines);
        Assert.DoesNotContain('\r', capture.Text);
    }

    [Fact]
    public void A_recorded_shell_session_loses_colours_bracketed_paste_and_carriage_returns()
    {
        var capture = TerminalCapture.Read(Terminal("iperf-2.1.8-client-t100-i2-session-ctrl-z-fg-ctrl-c.txt"));

        Assert.DoesNotContain('\x1b', capture.Text);
        Assert.DoesNotContain('\r', capture.Text);
        Assert.Equal("student@lab-pc:~# ip netns exec vlimp-16401 iperf -c 127.0.0.1 -t 100 -i 2", capture.Lines[0]);
        Assert.Equal(new string('-', 60), capture.Lines[1]);
        Assert.Contains("student@lab-pc:~# exit", capture.Lines);
        Assert.Single(capture.SuspendLines);
        Assert.Single(capture.InterruptLines);
        Assert.True(capture.SuspendLines[0] < capture.InterruptLines[0]);
    }

    [Fact]
    public void Output_without_terminal_artefacts_is_unchanged()
    {
        var text = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "fixtures", "iperf", "iperf-2.1.8-client-i2-t6.txt"));

        var capture = TerminalCapture.Read(text);

        Assert.Equal(text, capture.Text);
        Assert.Empty(capture.InterruptLines);
    }

    [Theory]
    [InlineData("abcdef\rXY\n", "XYcdef\n")]
    [InlineData("progress 10%\rprogress 100%\n", "progress 100%\n")]
    [InlineData("iperff\b -c\n", "iperf -c\n")]
    [InlineData("\x1b]0;student@lab-pc: ~\x07$ ls\n", "$ ls\n")]
    [InlineData("\x1b[1;31mred\x1b[0m\x1b(B plain\n", "red plain\n")]
    [InlineData("\uFEFFsysbench 1.0.20\r\n\r\n", "sysbench 1.0.20\n\n")]
    [InlineData("a\u0003b\u001a\u0007c\n", "abc\n")]
    public void Control_sequences_act_as_the_terminal_showed_them(string raw, string shown) =>
        Assert.Equal(shown, TerminalCapture.Read(raw).Text);

    [Fact]
    public void A_raw_control_character_counts_like_its_echo()
    {
        var capture = TerminalCapture.Read("one\n\x03two\n^Z\n");

        Assert.Equal([1], capture.InterruptLines);
        Assert.Equal([2], capture.SuspendLines);
    }
}
