using System.Collections.Immutable;
using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using TlsShutdown.RealWorld;

// usage: RealWorld CORPUS_FOLDER [PROJECT…]   (run.sh passes the folder; projects.tsv and expected.tsv sit beside this file)
if (args.Length < 1)
{
    Console.Error.WriteLine("usage: RealWorld CORPUS_FOLDER [PROJECT...]");
    return 2;
}

var corpus = args[0];
var only = args.Skip(1).ToHashSet(StringComparer.OrdinalIgnoreCase);
var here = AppContext.GetData("RealWorldFolder") as string ?? Path.Combine(AppContext.BaseDirectory, "..", "..", "..");
var projects = CorpusProject.Load(Path.Combine(here, "projects.tsv")).Where(p => only.Count == 0 || only.Contains(p.Name)).ToList();
var expected = ExpectedSite.Load(Path.Combine(here, "expected.tsv"));

// The analysis swallows its own exceptions so a user's build never fails on them; here every one must show.
typeof(TlsShutdown.Analyzers.TlsAnalyzerBase).Assembly.GetType("TlsShutdown.Analyzers.Analysis.Guard")!
    .GetProperty("Rethrow", System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.NonPublic)!.SetValue(null, true);

var analyzers = typeof(TlsShutdown.Analyzers.TlsAnalyzerBase).Assembly.GetTypes()
    .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t))
    .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)
    .ToImmutableArray();

var nuget = Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
var dotnetRefs = new[] { "microsoft.netcore.app.ref", "microsoft.aspnetcore.app.ref" }
    .SelectMany(pack => Directory.GetFiles(Path.Combine(nuget, pack, "8.0.28", "ref", "net8.0"), "*.dll"))
    .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path)).ToList();
var bouncyCastle = MetadataReference.CreateFromFile(Path.Combine(nuget, "bouncycastle.cryptography", "2.7.0", "lib", "net6.0", "BouncyCastle.Cryptography.dll"));

var results = new List<ProjectResult>();
foreach (var project in projects)
{
    var root = Path.Combine(corpus, project.Name);
    if (!Directory.Exists(root))
    {
        Console.WriteLine($"== {project.Name}: missing from {corpus}, skipped");
        continue;
    }

    var references = project.UsesBouncyCastle ? [.. dotnetRefs, bouncyCastle] : dotnetRefs;
    var result = await ProjectAnalysis.RunAsync(project, root, analyzers, references);
    results.Add(result);
    Console.WriteLine($"== {project.Name}: {result.Files} files, {result.Lines:N0} lines, {result.CompileErrors} compile errors (packages not restored), "
        + $"{result.Reports.Count} reports, analyzers {result.AnalyzerTime.TotalSeconds:F2} s (wall {result.WallTime.TotalSeconds:F1} s)");
    foreach (var report in result.Reports)
    {
        var site = expected.FirstOrDefault(e => e.Covers(report.Project, report.File, report.Line));
        var verdict = site is null ? "UNREVIEWED" : site.Verdict == report.Rule ? "right" : site.IsUnknown ? "unknown" : $"WRONG (expected {site.Verdict})";
        Console.WriteLine($"   {report.File}:{report.Line}\t{report.Rule}\t{report.Member}\t{verdict}");
    }

    foreach (var exception in result.Exceptions) Console.WriteLine($"   AD0001 {exception}");
}

var ran = results.Select(r => r.Project.Name).ToHashSet();
var sites = expected.Where(e => ran.Contains(e.Project)).ToList();
var reports = results.SelectMany(r => r.Reports).ToList();
bool Reported(ExpectedSite site) => reports.Any(r => site.Covers(r.Project, r.File, r.Line) && r.Rule == site.Verdict);
ExpectedSite? SiteOf(Report report) => sites.FirstOrDefault(e => e.Covers(report.Project, report.File, report.Line));

var wanted = sites.Where(s => s.WantsReport).ToList();
var found = wanted.Where(Reported).ToList();
var judged = reports.Where(r => SiteOf(r) is not { IsUnknown: true }).ToList();
var right = judged.Where(r => SiteOf(r) is { } site && site.Verdict == r.Rule).ToList();
var unreviewed = reports.Count(r => SiteOf(r) is null);

Console.WriteLine();
Console.WriteLine("== missed sites (report expected, none with that rule)");
foreach (var site in wanted.Except(found)) Console.WriteLine($"   {site.Project} {site.File}:{(site.Line == site.LastLine ? $"{site.Line}" : $"{site.Line}-{site.LastLine}")}\t{site.Verdict}\t{site.Member}\t{site.Note}");

Console.WriteLine();
var exceptions = results.Sum(r => r.Exceptions.Count);
string Ratio(int a, int b) => b == 0 ? "n/a" : ((double)a / b).ToString("F2", CultureInfo.InvariantCulture);
Console.WriteLine($"projects {results.Count}, files {results.Sum(r => r.Files):N0}, lines {results.Sum(r => r.Lines):N0}, sites read {sites.Count} ({wanted.Count} want a report, {sites.Count(s => s.Verdict == "none")} none, {sites.Count(s => s.IsUnknown)} unknown)");
Console.WriteLine($"recall {found.Count}/{wanted.Count} = {Ratio(found.Count, wanted.Count)}");
Console.WriteLine($"precision {right.Count}/{judged.Count} = {Ratio(right.Count, judged.Count)} ({unreviewed} unreviewed reports counted as wrong; {reports.Count - judged.Count} on unknown sites left out)");
Console.WriteLine($"AD0001 / analyzer exceptions {exceptions}");
Console.WriteLine($"analyzer time {results.Sum(r => r.AnalyzerTime.TotalSeconds):F2} s (all 8 rules, summed over projects), wall {results.Sum(r => r.WallTime.TotalSeconds):F1} s");
return 0;
