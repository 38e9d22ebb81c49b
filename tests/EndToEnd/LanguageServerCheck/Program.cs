using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;

// Usage: LanguageServerCheck --tool-dir <folder of the tool manifest> --project-dir <the app's folder>
//          --document <file in the app, as the code fixes left it> --original <the same file before the fixes>
//          --sarif <the build's SARIF log of the original> --rules-dir <docs/rules>
// Starts csharp-ls with csharp.analyzersEnabled, opens the original text of the document and pulls its
// diagnostics: they must be the TLS diagnostics the build reported (same IDs, ranges, messages, severities, help
// links to docs/rules). Then it changes the text to what the code fixes produced (they must all go, with no
// error) and back (they must come back). Exit code 0 when every check holds.
var options = CheckOptions.Parse(args);
var failures = new List<string>();
string document = Path.GetFullPath(options.Document);
string documentUri = new Uri(document).AbsoluteUri;
string originalText = File.ReadAllText(options.Original);
string fixedText = File.ReadAllText(document);

SortedSet<Finding> built = [.. SarifLog.Read(options.Sarif)
    .Where(r => !r.Suppressed && r.RuleId.StartsWith("TLS", StringComparison.Ordinal) && Path.GetFullPath(r.FilePath) == document)
    .Select(Finding.FromSarif)];
if (built.Count == 0)
{
    failures.Add($"the build reported no TLS diagnostic in {Path.GetFileName(document)}: nothing to compare with");
}

using var deadline = new CancellationTokenSource(Limits.Overall);
var elapsed = Stopwatch.StartNew();
var server = LanguageServerProcess.StartLocalTool(options.ToolDirectory, "csharp-ls");
// Stopped on every way out, a `timeout` or Ctrl+C included.
using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, _ => server.Dispose());
using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, _ => server.Dispose());
Console.WriteLine($"csharp-ls started (process {server.Id})");
var lsp = new LspConnection(server.Output, server.Input, AnswerServerRequest);
try
{
    await RunAsync();
}
catch (Exception e) when (e is TimeoutException or OperationCanceledException or IOException or InvalidOperationException)
{
    failures.Add(e is OperationCanceledException ? $"not done within {Limits.Overall.TotalSeconds:0} s" : e.Message);
    Console.WriteLine("the server's last messages:");
    foreach (string entry in lsp.Log.TakeLast(15))
    {
        Console.WriteLine("  " + entry);
    }

    foreach (string line in server.StandardErrorTail)
    {
        Console.WriteLine("  stderr: " + line);
    }
}
finally
{
    server.Dispose();
    await lsp.DisposeAsync();
}

foreach (string failure in failures)
{
    Console.WriteLine("FAIL: " + failure);
}

Console.WriteLine(failures.Count == 0
    ? $"OK: csharp-ls shows the build's {built.Count} TLS diagnostics with their help links; the fixed text clears them ({Elapsed()})"
    : $"{failures.Count} failure(s) ({Elapsed()})");
return failures.Count == 0 ? 0 : 1;

async Task RunAsync()
{
    string projectUri = new Uri(Path.GetFullPath(options.ProjectDirectory)).AbsoluteUri;
    JsonElement initialized = await lsp.RequestAsync("initialize", new
    {
        processId = Environment.ProcessId,
        rootUri = projectUri,
        workspaceFolders = new[] { new { uri = projectUri, name = "app" } },
        capabilities = new
        {
            // csharp-ls reads its settings (csharp.analyzersEnabled) with workspace/configuration.
            workspace = new { configuration = true },
            textDocument = new { diagnostic = new { dynamicRegistration = false } },
        },
    }, Limits.Response, deadline.Token);
    if (!initialized.GetProperty("capabilities").TryGetProperty("diagnosticProvider", out _))
    {
        throw new InvalidOperationException("the server offers no pull diagnostics (textDocument/diagnostic)");
    }

    await lsp.NotifyAsync("initialized", new { }, deadline.Token);
    await lsp.NotifyAsync("textDocument/didOpen", new
    {
        textDocument = new { uri = documentUri, languageId = "csharp", version = 1, text = originalText },
    }, deadline.Token);

    // The server loads the project in the background: poll until the analyzers have run, within a bound.
    Report opened = await PullAsync();
    using (var loading = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token))
    {
        loading.CancelAfter(Limits.ProjectLoad);
        while (opened.Tls.Count == 0 && !loading.IsCancellationRequested)
        {
            await Task.Delay(Limits.PollInterval, deadline.Token);
            opened = await PullAsync();
        }
    }

    Console.WriteLine($"{Path.GetFileName(document)} opened; diagnostics after {Elapsed()}");
    Compare(opened.Tls, "the original text", always: true);
    NoErrors(opened, "the original text");
    foreach (Finding finding in opened.Tls)
    {
        string page = Path.Combine(options.RulesDirectory, finding.Id + ".md");
        if (finding.Href is null || !finding.Href.EndsWith($"/docs/rules/{finding.Id}.md", StringComparison.Ordinal) || !File.Exists(page))
        {
            failures.Add($"{finding.Id}: help link {finding.Href ?? "(none)"} does not lead to docs/rules/{finding.Id}.md");
        }
    }

    await ChangeAsync(fixedText, version: 2);
    Report fixedReport = await PullAsync();
    Console.WriteLine($"with the text of the code fixes: {fixedReport.Tls.Count} TLS diagnostic(s)");
    failures.AddRange(fixedReport.Tls.Select(f => $"still reported after the fixes: {f}"));
    NoErrors(fixedReport, "the fixed text");

    // Back to the original: the diagnostics return, so their absence above was the fixes' doing.
    await ChangeAsync(originalText, version: 3);
    Compare((await PullAsync()).Tls, "the original text again", always: false);

    await lsp.RequestAsync("shutdown", null, Limits.Response, deadline.Token);
}

Task ChangeAsync(string text, int version) => lsp.NotifyAsync("textDocument/didChange", new
{
    textDocument = new { uri = documentUri, version },
    contentChanges = new[] { new { text } },
}, deadline.Token);

async Task<Report> PullAsync()
{
    JsonElement report = await lsp.RequestAsync("textDocument/diagnostic", new { textDocument = new { uri = documentUri } }, Limits.Response, deadline.Token);
    List<Finding> all = report.TryGetProperty("items", out JsonElement items) ? [.. items.EnumerateArray().Select(Finding.FromLsp)] : [];
    return new Report(
        [.. all.Where(f => f.Id.StartsWith("TLS", StringComparison.Ordinal))],
        [.. all.Where(f => f.Severity == Finding.Error)]);
}

// Prints the build's and the editor's diagnostics side by side (always, or only when they differ).
void Compare(SortedSet<Finding> shown, string when, bool always)
{
    bool same = built.SetEquals(shown);
    Console.WriteLine($"with {when}: {shown.Count} TLS diagnostic(s){(same ? ", as the build" : "")}");
    if (same && !always)
    {
        return;
    }

    foreach (Finding f in built.Union(shown))
    {
        string mark = built.Contains(f) && shown.Contains(f) ? "both       " : built.Contains(f) ? "build only " : "editor only";
        Console.WriteLine($"  {mark}  {f}");
    }

    if (!same)
    {
        failures.Add($"with {when}, csharp-ls does not show what the build reported");
    }
}

void NoErrors(Report report, string when) =>
    failures.AddRange(report.Errors.Select(e => $"error with {when}: {e}"));

JsonNode? AnswerServerRequest(string method, JsonElement parameters)
{
    if (method != "workspace/configuration")
    {
        return null; // client/registerCapability, window/workDoneProgress/create, ...: acknowledged.
    }

    var sections = new JsonArray();
    foreach (JsonElement item in parameters.GetProperty("items").EnumerateArray())
    {
        bool csharp = item.TryGetProperty("section", out JsonElement section) && section.GetString() == "csharp";
        sections.Add(csharp ? new JsonObject { ["analyzersEnabled"] = true } : null);
    }

    return sections;
}

string Elapsed() => $"{elapsed.Elapsed.TotalSeconds:0.0} s";

/// <summary>The bounds on every wait.</summary>
internal static class Limits
{
    /// <summary>The whole check, server start to shutdown (typically 10–20 s).</summary>
    public static readonly TimeSpan Overall = TimeSpan.FromSeconds(150);

    /// <summary>One response; the first diagnostic pull waits for the project load (design-time build).</summary>
    public static readonly TimeSpan Response = TimeSpan.FromSeconds(90);

    /// <summary>Polling the opened document until the analyzers' diagnostics arrive.</summary>
    public static readonly TimeSpan ProjectLoad = TimeSpan.FromSeconds(90);

    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);
}

/// <summary>A pulled diagnostic report: its TLS diagnostics and its errors.</summary>
internal sealed record Report(SortedSet<Finding> Tls, List<Finding> Errors);

/// <summary>A diagnostic as an editor shows it: LSP's 0-based range, severity (1 error … 4 hint) and help link.</summary>
internal sealed record Finding(string Id, int StartLine, int StartCharacter, int EndLine, int EndCharacter, int Severity, string Message, string? Href)
    : IComparable<Finding>
{
    public const int Error = 1;

    public static Finding FromSarif(SarifResult r) => new(
        r.RuleId, r.StartLine - 1, r.StartColumn - 1, r.EndLine - 1, r.EndColumn - 1,
        r.Level switch { "error" => 1, "warning" => 2, "note" => 3, _ => 4 },
        r.Message,
        r.HelpUri);

    public static Finding FromLsp(JsonElement d)
    {
        JsonElement range = d.GetProperty("range");
        JsonElement start = range.GetProperty("start"), end = range.GetProperty("end");
        return new Finding(
            d.TryGetProperty("code", out JsonElement code) ? code.ToString() : "",
            start.GetProperty("line").GetInt32(), start.GetProperty("character").GetInt32(),
            end.GetProperty("line").GetInt32(), end.GetProperty("character").GetInt32(),
            d.TryGetProperty("severity", out JsonElement severity) ? severity.GetInt32() : Error,
            d.GetProperty("message").GetString() ?? "",
            d.TryGetProperty("codeDescription", out JsonElement description) ? description.GetProperty("href").GetString() : null);
    }

    public int CompareTo(Finding? other) => other is null ? 1 : string.CompareOrdinal(ToString(), other.ToString());

    public override string ToString() =>
        $"{Id} ({StartLine + 1},{StartCharacter + 1})-({EndLine + 1},{EndCharacter + 1}) severity {Severity} {Href ?? "(no help link)"}: {Message}";
}

internal sealed record CheckOptions(string ToolDirectory, string ProjectDirectory, string Document, string Original, string Sarif, string RulesDirectory)
{
    public static CheckOptions Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i + 1 < args.Length; i += 2)
        {
            values[args[i]] = args[i + 1];
        }

        string Get(string name) => values.TryGetValue(name, out string? value) ? value : throw new ArgumentException($"missing {name}");
        return new CheckOptions(Get("--tool-dir"), Get("--project-dir"), Get("--document"), Get("--original"), Get("--sarif"), Get("--rules-dir"));
    }
}
