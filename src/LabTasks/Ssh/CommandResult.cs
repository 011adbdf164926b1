using Renci.SshNet;
using Renci.SshNet.Common;

namespace VirtLab.Ssh;

public sealed record CommandResult(int ExitCode, string StandardOutput, string StandardError);
