using System.Diagnostics;
using System.Text;
using VirtLab.Util;

namespace VirtLab.Tests;

/// <summary>
/// A throw-away copy of this working tree (tracked and untracked files, nothing ignored), so an
/// end-to-end test builds exactly what a fresh clone would, without touching the developer's results.
/// With <c>prebuiltTasks</c> (the default) the copy also gets the task library compiled once per
/// test run from the same sources, so its first build does not spend a minute compiling what every
/// other copy compiles too; RestoreEndToEndTests, which is about that first compile, passes false.
/// </summary>
public sealed class RepoCopy : IDisposable
{
    private static readonly Lazy<string> PrebuiltTaskLibrary = new(BuildTaskLibrary, LazyThreadSafetyMode.ExecutionAndPublication);

    public RepoCopy(bool prebuiltTasks = true)
    {
        Root = Path.Combine(Path.GetTempPath(), "virtlab-e2e-" + Guid.NewGuid().ToString("N")[..8]);
        var source = FindRepoRoot();
        var files = ProcessRunner.RunChecked(LabCodes.MissingTool, "git", ["-C", source, "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            TimeSpan.FromSeconds(30)).StandardOutput.Split('\0', StringSplitOptions.RemoveEmptyEntries);
        foreach (var file in files)
        {
            var from = Path.Combine(source, file);
            if (!File.Exists(from)) continue;
            var to = Path.Combine(Root, file);
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            File.Copy(from, to);
        }
        if (prebuiltTasks) AddPrebuiltTaskLibrary();
    }

    /// <summary>The task library where an experiment's build puts it, newer than every source, with the stamp that says it is built.</summary>
    private void AddPrebuiltTaskLibrary()
    {
        var output = Path.Combine(Root, "src", "LabTasks", "bin", "Release", "net10.0");
        Directory.CreateDirectory(output);
        foreach (var file in Directory.GetFiles(PrebuiltTaskLibrary.Value, "*", SearchOption.AllDirectories))
        {
            var to = Path.Combine(output, Path.GetRelativePath(PrebuiltTaskLibrary.Value, file));
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            File.Copy(file, to);
        }
        var stamp = Path.Combine(Root, "obj", "virtlab", "labtasks.built");
        Directory.CreateDirectory(Path.GetDirectoryName(stamp)!);
        File.WriteAllText(stamp, "");
        var now = DateTime.UtcNow.AddSeconds(1);
        foreach (var file in Directory.GetFiles(output, "*", SearchOption.AllDirectories).Append(stamp)) File.SetLastWriteTimeUtc(file, now);
    }

    /// <summary>Compiles src/LabTasks (Release) from this tree once per test run, outside it.</summary>
    private static string BuildTaskLibrary()
    {
        var output = Path.Combine(Path.GetTempPath(), "virtlab-e2e-tasks-" + Environment.ProcessId);
        var result = ProcessRunner.Run("dotnet", ["build", Path.Combine(FindRepoRoot(), "src", "LabTasks", "LabTasks.csproj"), "-c", "Release", "-o", output, "-nologo", "-v:q"],
            TimeSpan.FromMinutes(5));
        if (!result.Succeeded) throw new InvalidOperationException("the task library did not build:\n" + result.StandardOutput + result.StandardError);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => { try { Directory.Delete(output, recursive: true); } catch (IOException) { } };
        return output;
    }

    public string Root { get; }

    public static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Directory.Build.targets"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("not inside the VirtLab tree");
    }

    /// <summary>Starts `dotnet build` in its own process group (like a shell job), output captured.</summary>
    public BuildProcess StartBuild(params string[] arguments) => new(Root, arguments);

    public ProcessResult Build(TimeSpan timeout, params string[] arguments)
    {
        using var build = StartBuild(arguments);
        return build.WaitForExit(timeout);
    }

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

public sealed class BuildProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public BuildProcess(string workingDirectory, string[] arguments)
    {
        // setsid gives the build its own process group, so a test can send it Ctrl+C (SIGINT to
        // the group) exactly as a terminal would, without signalling the test runner.
        var psi = new ProcessStartInfo("setsid") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        // env --default-signal: Ctrl+C must reach the build even when the test run itself was started with SIGINT
        // ignored (a background job of a non-interactive shell), which every child would inherit.
        foreach (var a in (string[])["env", "--default-signal", "dotnet", "build", .. arguments, "-nologo", "-clp:NoSummary"]) psi.ArgumentList.Add(a);
        _process = Process.Start(psi)!;
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.AppendLine(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.AppendLine(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Pid => _process.Id;

    public string Output { get { lock (_output) return _output.ToString(); } }

    public bool WaitForOutput(string text, TimeSpan timeout)
    {
        while (_clock.Elapsed < timeout || timeout == Timeout.InfiniteTimeSpan)
        {
            if (Output.Contains(text, StringComparison.Ordinal)) return true;
            if (_process.HasExited) return Output.Contains(text, StringComparison.Ordinal);
            Thread.Sleep(100);
        }
        return false;
    }

    public void SendToGroup(string signal) =>
        ProcessRunner.Run("kill", [$"-{signal}", "--", $"-{_process.Id}"], TimeSpan.FromSeconds(5));

    public ProcessResult WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout))
        {
            SendToGroup("KILL");
            throw new TimeoutException($"dotnet build did not finish within {timeout}. Output so far:\n{Output}");
        }
        _process.WaitForExit();
        return new ProcessResult(_process.ExitCode, Output, "", _clock.Elapsed);
    }

    public void Dispose()
    {
        if (!_process.HasExited) SendToGroup("KILL");
        _process.Dispose();
    }
}
