using VirtLab.Lab;
using VirtLab.Util;

namespace VirtLab.Migration;

/// <summary>The host side in a lab network namespace on this machine.</summary>
public sealed class NamespaceSide(string netns) : IHostSide
{
    public string Netns => netns;

    public IHostProcess Start(string program, IReadOnlyList<string> arguments) => LabProcess.Start(netns, program, arguments);

    public TimeSpan ClockOffset => TimeSpan.Zero;

    public bool RelaysOutput => false;

    public ProcessResult Run(string program, IReadOnlyList<string> arguments, TimeSpan timeout) => new LabCommand(netns).Run(program, arguments, timeout);
}
