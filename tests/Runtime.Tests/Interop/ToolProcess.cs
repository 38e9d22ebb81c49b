using System.Diagnostics;
using System.Text;

namespace TlsShutdown.Tests.Interop;

/// <summary>
/// A running OpenSSL or GnuTLS command-line tool: its standard input is ours to write, its output (stdout and
/// stderr, merged) is collected so that a test can wait, bounded, for a line it must print. Disposing kills the
/// process tree by its id and waits for it to exit.
/// </summary>
public sealed class ToolProcess : IDisposable
{
    /// <summary>Bound on waiting for a tool to print something: generous, only a broken run reaches it.</summary>
    public static readonly TimeSpan OutputTimeout = TimeSpan.FromSeconds(20);

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly List<(string Text, TaskCompletionSource Seen)> _waiters = [];

    private ToolProcess(Process process) => _process = process;

    /// <summary>Everything the tool printed so far.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public bool HasExited => _process.HasExited;

    public static ToolProcess Start(string tool, params string[] arguments)
    {
        var start = new ProcessStartInfo(InteropTools.Require(tool))
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,

            // No byte-order mark: the tools read their commands ("K", "R", "Q") from the start of a line.
            StandardInputEncoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = start };
        var tool_ = new ToolProcess(process);
        process.OutputDataReceived += (_, e) => tool_.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => tool_.OnLine(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return tool_;
    }

    /// <summary>Completes once the tool printed <paramref name="text"/> (now or earlier); fails past <see cref="OutputTimeout"/>
    /// with everything it printed, or as soon as it exits without printing it.</summary>
    public async Task WaitForOutputAsync(string text)
    {
        TaskCompletionSource seen = new(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_output)
        {
            if (_output.ToString().Contains(text, StringComparison.Ordinal))
            {
                return;
            }

            _waiters.Add((text, seen));
        }

        Task exited = _process.WaitForExitAsync();
        try
        {
            Task first = await Task.WhenAny(seen.Task, exited).WaitAsync(OutputTimeout);
            if (first == exited && !seen.Task.IsCompleted)
            {
                // The last lines may still be on their way to the handlers.
                _process.WaitForExit();
                if (!Output.Contains(text, StringComparison.Ordinal))
                {
                    throw new InvalidOperationException($"The tool exited ({_process.ExitCode}) without printing \"{text}\". It printed:\n{Output}");
                }
            }
        }
        catch (TimeoutException error)
        {
            throw new TimeoutException($"The tool did not print \"{text}\" within {OutputTimeout}. It printed:\n{Output}", error);
        }
    }

    /// <summary>Writes a line to the tool's standard input.</summary>
    public async Task WriteLineAsync(string line)
    {
        await _process.StandardInput.WriteAsync(line + "\n");
        await _process.StandardInput.FlushAsync();
    }

    /// <summary>Ends the tool's standard input (its end of input: gnutls-cli then sends its close_notify).</summary>
    public void CloseInput() => _process.StandardInput.Close();

    /// <summary>Waits, bounded, for the tool to exit by itself.</summary>
    public async Task<int> WaitForExitAsync()
    {
        await _process.WaitForExitAsync().WaitAsync(OutputTimeout);
        return _process.ExitCode;
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            _process.WaitForExit(OutputTimeout);
        }
        catch (InvalidOperationException)
        {
            // It exited meanwhile.
        }

        _process.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        List<TaskCompletionSource> reached = [];
        lock (_output)
        {
            _output.AppendLine(line);
            string all = _output.ToString();
            for (int i = _waiters.Count - 1; i >= 0; i--)
            {
                if (all.Contains(_waiters[i].Text, StringComparison.Ordinal))
                {
                    reached.Add(_waiters[i].Seen);
                    _waiters.RemoveAt(i);
                }
            }
        }

        reached.ForEach(s => s.TrySetResult());
    }
}
