using System.Diagnostics;

namespace VirtLab.Util;

/// <summary>
/// Runs a program with an argument list (never through a shell) and always waits with a bound:
/// on timeout or cancellation the whole process tree is killed.
/// </summary>
public static class ProcessRunner
{
    public static ProcessResult Run(string fileName, IEnumerable<string> arguments, TimeSpan timeout,
        CancellationToken cancellationToken = default, string? standardInput = null, string? workingDirectory = null)
    {
        var psi = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = standardInput is not null,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var a in arguments) psi.ArgumentList.Add(a);

        var stopwatch = Stopwatch.StartNew();
        using var process = new Process { StartInfo = psi };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new LabException(LabCodes.MissingTool, $"Cannot run '{fileName}': {e.Message}.",
                $"install it: {ToolRegistry.InstallHint(fileName)}");
        }

        // Process.Dispose does not close redirected streams once they were read: only the GC would (seen as a saw-tooth of pipes in bench/soak.sh).
        using var outStream = process.StandardOutput;
        using var errStream = process.StandardError;
        var stdout = outStream.ReadToEndAsync(CancellationToken.None);
        var stderr = errStream.ReadToEndAsync(CancellationToken.None);
        if (standardInput is not null)
        {
            process.StandardInput.Write(standardInput);
            process.StandardInput.Close();
        }

        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        try
        {
            process.WaitForExitAsync(timeoutSource.Token).GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            process.WaitForExit(5000);
            if (cancellationToken.IsCancellationRequested) throw;
            throw new TimeoutException($"'{fileName} {string.Join(' ', arguments)}' did not finish within {timeout.TotalSeconds:0.#} s.");
        }

        // The pipes may be held open by a daemonized grandchild; never wait on them unbounded.
        var outText = stdout.Wait(TimeSpan.FromSeconds(5)) ? stdout.Result : "";
        var errText = stderr.Wait(TimeSpan.FromSeconds(5)) ? stderr.Result : "";
        return new ProcessResult(process.ExitCode, outText, errText, stopwatch.Elapsed);
    }

    /// <summary>Runs and throws a LabException with <paramref name="code"/> when the exit code is not 0.</summary>
    public static ProcessResult RunChecked(string code, string fileName, IEnumerable<string> arguments, TimeSpan timeout,
        CancellationToken cancellationToken = default, string? standardInput = null)
    {
        var args = arguments.ToList();
        var result = Run(fileName, args, timeout, cancellationToken, standardInput);
        if (!result.Succeeded)
            throw new LabException(code,
                $"'{fileName} {string.Join(' ', args)}' exited with {result.ExitCode}: {Tail(result.StandardError.Length > 0 ? result.StandardError : result.StandardOutput)}");
        return result;
    }

    public static string Tail(string text, int maxChars = 600)
    {
        text = text.Trim();
        return text.Length <= maxChars ? text : "…" + text[^maxChars..];
    }
}
