using System.Collections.Concurrent;
using System.Diagnostics;

/// <summary>A language server run as a local dotnet tool (<c>dotnet tool run</c> in the folder of its tool
/// manifest), talking LSP over its standard input and output. Disposing kills it and every process it started,
/// by process id.</summary>
internal sealed class LanguageServerProcess : IDisposable
{
    private const int MaxStderrLines = 50;

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _stderr = new();
    private int _disposed;

    private LanguageServerProcess(Process process)
    {
        _process = process;
        _process.ErrorDataReceived += (sender, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            _stderr.Enqueue(e.Data);
            while (_stderr.Count > MaxStderrLines)
            {
                _stderr.TryDequeue(out _);
            }
        };
        _process.BeginErrorReadLine();
    }

    public int Id => _process.Id;

    /// <summary>The server's standard output: LSP messages to us.</summary>
    public Stream Output => _process.StandardOutput.BaseStream;

    /// <summary>The server's standard input: LSP messages to it.</summary>
    public Stream Input => _process.StandardInput.BaseStream;

    /// <summary>The last lines the server wrote to its standard error.</summary>
    public IEnumerable<string> StandardErrorTail => _stderr;

    public static LanguageServerProcess StartLocalTool(string manifestDirectory, string command)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = manifestDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("tool");
        start.ArgumentList.Add("run");
        start.ArgumentList.Add(command);
        return new LanguageServerProcess(Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start"));
    }

    /// <summary>Kills the server's process tree; safe to call more than once and from a signal handler.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        try
        {
            // `dotnet tool run` starts the server as a child, and the server starts MSBuild's build hosts.
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }

        _process.WaitForExit(TimeSpan.FromSeconds(10));
        _process.Dispose();
    }
}
