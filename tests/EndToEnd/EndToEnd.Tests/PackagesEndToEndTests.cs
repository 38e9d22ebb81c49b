using System.Diagnostics;
using System.Text;
using Xunit;
using Xunit.Abstractions;

namespace TlsShutdown.EndToEnd.Tests;

/// <summary>The user's path with the packed packages, as tests/EndToEnd/run.sh performs it: in a clone under a
/// folder named src, from the solution build to the warnings in an editor's language server.</summary>
public sealed class PackagesEndToEndTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(12);

    [Fact]
    public async Task Packages_install_warn_fix_and_load_in_a_Roslyn_4_8_host()
    {
        string script = Path.Combine(RepositoryRoot(), "tests", "EndToEnd", "run.sh");
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(script);

        using var process = Process.Start(start)!;
        var log = new StringBuilder();
        Task stdout = CopyAsync(process.StandardOutput, log);
        Task stderr = CopyAsync(process.StandardError, log);
        using var limit = new CancellationTokenSource(Limit);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
        }

        await Task.WhenAll(stdout, stderr);
        output.WriteLine(log.ToString());

        string[] lines = log.ToString().Split('\n', StringSplitOptions.TrimEntries);
        string[] failures = lines.Where(l => l.StartsWith("FAIL:", StringComparison.Ordinal)).ToArray();
        Assert.True(process.HasExited, $"run.sh did not finish within {Limit}");
        Assert.Empty(failures);
        Assert.Contains(lines, l => l.EndsWith("passed, 0 failed", StringComparison.Ordinal));
        Assert.Equal(0, process.ExitCode);
    }

    private static async Task CopyAsync(StreamReader reader, StringBuilder log)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            lock (log)
            {
                log.AppendLine(line);
            }
        }
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Analyzers.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Analyzers.sln not found above " + AppContext.BaseDirectory);
    }
}
