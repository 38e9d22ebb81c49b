using System.Diagnostics;
using System.Text.Json;

namespace CloseProbe.Tests;

/// <summary>One default run of CloseProbe (embedded peers, TLS 1.2 and 1.3, <c>--json</c>), shared by the tests.</summary>
public sealed class CloseProbeRunFixture : IAsyncLifetime
{
    public int ExitCode { get; private set; }

    public string Json { get; private set; } = "";

    public string Progress { get; private set; } = "";

    public TimeSpan Duration { get; private set; }

    public JsonElement Report { get; private set; }

    public IReadOnlyList<JsonElement> Rows { get; private set; } = [];

    public async Task InitializeAsync()
    {
        var output = new StringWriter();
        var progress = new StringWriter();
        var clock = Stopwatch.StartNew();
        ExitCode = await ProbeProgram.RunAsync(["--json"], output, progress, CancellationToken.None);
        Duration = clock.Elapsed;
        Json = output.ToString();
        Progress = progress.ToString();
        Report = JsonDocument.Parse(Json).RootElement.Clone();
        Rows = [.. Report.GetProperty("rows").EnumerateArray()];
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public JsonElement Row(string tls, string peer, string close) =>
        Rows.Single(r => r.GetProperty("tls").GetString() == tls
            && r.GetProperty("peer").GetString() == peer
            && r.GetProperty("close").GetString() == close);
}
