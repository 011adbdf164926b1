using VirtLab.Tasks;
using VirtLab.Util;

namespace VirtLab.Tests;

/// <summary>Whatever a task throws, the build shows one LAB error on one line, never MSBuild's MSB4018 stack trace.</summary>
public class UnexpectedFailureTests
{
    /// <summary>A task that fails the way a bug or an unexpected system state does.</summary>
    private sealed class ThrowingTask(Exception exception) : LabTask
    {
        protected override void Run() => throw exception;
    }

    /// <summary>A throw-away VirtLab tree: a Directory.Build.targets at its root and a project below it, like experiments/*.proj.</summary>
    private sealed class Tree : IDisposable
    {
        public string Root { get; } = Directory.CreateTempSubdirectory("virtlab-errors-test-").FullName;

        public Tree()
        {
            File.WriteAllText(Path.Combine(Root, "Directory.Build.targets"), "<Project />\n");
            Directory.CreateDirectory(Path.Combine(Root, "experiments"));
        }

        public string Project => Path.Combine(Root, "experiments", "hw1.proj");
        public string Errors => Path.Combine(Root, "obj", "virtlab", "errors");

        public void Dispose() => Directory.Delete(Root, recursive: true);
    }

    public static TheoryData<Exception> Unexpected() =>
    [
        new InvalidOperationException("Operation is not valid due to the current state of the object."),
        new TimeoutException("The operation has timed out."),
        new IOException("No space left on device"),
        new NullReferenceException(),
        new OperationCanceledException("cancelled by a token nobody asked to cancel"),
        new AggregateException(new System.ComponentModel.Win32Exception(2, "An error occurred trying to start process 'qemu-system-x86_64'")),
    ];

    [Theory]
    [MemberData(nameof(Unexpected))]
    public void An_unexpected_exception_is_one_LAB0099_error_whose_details_file_holds_the_stack(Exception exception)
    {
        using var tree = new Tree();
        var engine = new TestBuildEngine { ProjectFileOfTaskNode = tree.Project };
        Assert.False(new ThrowingTask(exception) { BuildEngine = engine }.Execute());

        var error = Assert.Single(engine.Errors);
        Assert.Equal(LabCodes.UnexpectedFailure, error.Code);
        Assert.DoesNotContain('\n', error.Message!);
        Assert.StartsWith("ThrowingTask failed unexpectedly: ", error.Message);
        var details = Assert.Single(Directory.GetFiles(tree.Errors));
        Assert.Equal(details, error.File);
        Assert.Contains(details, error.Message);
        Assert.EndsWith("#lab0099.", error.Message);
        var text = File.ReadAllText(details);
        var reported = exception is AggregateException a ? a.InnerExceptions[0] : exception;
        Assert.Contains(reported.GetType().FullName!, text);
        Assert.Contains("at VirtLab.Tests.UnexpectedFailureTests.ThrowingTask.Run()", text); // the stack trace
        Assert.Contains($"{reported.GetType().Name}: {reported.Message}", error.Message);
    }

    [Fact]
    public void Outside_a_VirtLab_tree_the_details_go_under_the_projects_own_folder()
    {
        var folder = Directory.CreateTempSubdirectory("virtlab-errors-test-").FullName;
        try
        {
            Assert.Equal(Path.Combine(folder, "obj", "virtlab", "errors"), UnexpectedFailure.ErrorsDirectoryFor(Path.Combine(folder, "x.proj")));
        }
        finally { Directory.Delete(folder, recursive: true); }
    }

    [Fact]
    public void The_repository_keeps_the_details_in_its_own_obj_virtlab()
    {
        var root = RepoCopy.FindRepoRoot();
        Assert.Equal(Path.Combine(root, "obj", "virtlab", "errors"), UnexpectedFailure.ErrorsDirectoryFor(Path.Combine(root, "experiments", "hw1.proj")));
    }

    [Fact]
    public void A_multi_line_LabException_is_one_error_line()
    {
        var engine = new TestBuildEngine();
        var failure = new LabException(LabCodes.BenchmarkOutput, "iperf printed:\r\n[  3]  0.0-12.8 sec\n\niperf: interrupt\n", "read the log.", "raw/1.txt", 4);

        Assert.False(new ThrowingTask(failure) { BuildEngine = engine }.Execute());

        var error = Assert.Single(engine.Errors);
        Assert.Equal(LabCodes.BenchmarkOutput, error.Code);
        Assert.Equal("iperf printed: — [  3]  0.0-12.8 sec — iperf: interrupt Fix: read the log. See docs/lab-codes.md#lab0051.", error.Message);
        Assert.Equal(("raw/1.txt", 4), (error.File, error.LineNumber));
    }
}
