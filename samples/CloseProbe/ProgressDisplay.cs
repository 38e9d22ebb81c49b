namespace CloseProbe;

/// <summary>
/// A one-line progress display on stderr (so that stdout stays clean for <c>--json</c>): redrawn in place on a
/// terminal, a dot per probe otherwise.
/// </summary>
internal sealed class ProgressDisplay(TextWriter output, int total, bool enabled)
{
    private readonly Lock _lock = new();
    private readonly bool _interactive = enabled && output == Console.Error && !Console.IsErrorRedirected;
    private int _running;
    private int _done;
    private string _last = "";

    public void Started(ProbeCase probe)
    {
        lock (_lock)
        {
            _running++;
            _last = $"TLS {Names.Display(probe.Tls)} · {Names.Display(probe.Peer)} · {Names.Display(probe.Method)}";
            Draw();
        }
    }

    public void Completed(ProbeCase probe)
    {
        lock (_lock)
        {
            _running--;
            _done++;
            if (enabled && !_interactive)
            {
                output.Write('.');
            }

            Draw();
        }
    }

    public void Finish()
    {
        lock (_lock)
        {
            if (_interactive)
            {
                output.Write("\r\u001b[2K");
            }
            else if (enabled)
            {
                output.WriteLine($" {_done}/{total} probes done");
            }

            output.Flush();
        }
    }

    private void Draw()
    {
        if (!enabled)
        {
            return;
        }

        if (!_interactive)
        {
            return;
        }

        const int BarWidth = 24;
        int filled = total == 0 ? BarWidth : _done * BarWidth / total;
        string line = $"[{new string('#', filled)}{new string('.', BarWidth - filled)}] {_done}/{total}  {_running} running  {_last}";
        int width = Console.IsErrorRedirected ? 120 : Math.Max(40, Console.WindowWidth - 1);
        output.Write("\r\u001b[2K" + (line.Length > width ? line[..width] : line));
        output.Flush();
    }
}
