using System.Collections.Immutable;
using System.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace TlsShutdown.RealWorld;

/// <summary>What running the analyzers over one project gave.</summary>
internal sealed record ProjectResult(
    CorpusProject Project, int Files, int Lines, int CompileErrors, IReadOnlyList<Report> Reports, IReadOnlyList<string> Exceptions, TimeSpan AnalyzerTime, TimeSpan WallTime);

/// <summary>
/// Compiles a project's source folders against the .NET 8 reference assemblies (and BouncyCastle where the
/// project uses its TLS) without restoring its packages, then runs our analyzers through CompilationWithAnalyzers.
/// Types from packages that are not restored stay unbound; the analysis must cope with that as it does in the IDE.
/// </summary>
internal static class ProjectAnalysis
{
    private static readonly string[] CommonDefines =
    [
        "NET", "NETCOREAPP", "NET8_0", "NET8_0_OR_GREATER", "NET7_0_OR_GREATER", "NET6_0_OR_GREATER", "NET5_0_OR_GREATER",
        "NETCOREAPP3_1_OR_GREATER", "NETCOREAPP3_0_OR_GREATER", "NETCOREAPP2_1_OR_GREATER", "NETSTANDARD2_1_OR_GREATER", "RELEASE", "TRACE",
    ];

    // What <ImplicitUsings>enable</ImplicitUsings> adds for a plain SDK project.
    private const string ImplicitUsings = """
        global using global::System;
        global using global::System.Collections.Generic;
        global using global::System.IO;
        global using global::System.Linq;
        global using global::System.Net.Http;
        global using global::System.Threading;
        global using global::System.Threading.Tasks;
        """;

    public static async Task<ProjectResult> RunAsync(CorpusProject project, string root, ImmutableArray<DiagnosticAnalyzer> analyzers, IReadOnlyList<MetadataReference> references)
    {
        var wall = Stopwatch.StartNew();
        var parse = new CSharpParseOptions(LanguageVersion.Preview, preprocessorSymbols: CommonDefines.Concat(project.Defines));
        var files = project.SourceFolders
            .SelectMany(folder => Directory.EnumerateFiles(Path.Combine(root, folder), "*.cs", SearchOption.AllDirectories))
            .Where(path => !path.Contains("/obj/", StringComparison.Ordinal) && !path.Contains("/bin/", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();
        var trees = files.Select(path => CSharpSyntaxTree.ParseText(File.ReadAllText(path), parse, Path.GetRelativePath(root, path))).ToList();
        if (UsesImplicitUsings(project, root)) trees.Add(CSharpSyntaxTree.ParseText(ImplicitUsings, parse, "ImplicitUsings.g.cs"));

        var compilation = CSharpCompilation.Create(
            project.Name,
            trees,
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true, nullableContextOptions: NullableContextOptions.Enable));
        var errors = compilation.GetDiagnostics().Count(d => d.Severity == DiagnosticSeverity.Error);

        var exceptions = new List<string>();
        var options = new CompilationWithAnalyzersOptions(
            new AnalyzerOptions([]),
            (exception, analyzer, diagnostic) => { lock (exceptions) exceptions.Add($"{analyzer.GetType().Name}: {exception.GetType().Name}: {exception.Message}"); },
            concurrentAnalysis: true,
            logAnalyzerExecutionTime: true);
        var withAnalyzers = compilation.WithAnalyzers(analyzers, options);
        var diagnostics = await withAnalyzers.GetAnalyzerDiagnosticsAsync().ConfigureAwait(false);
        var analyzerTime = TimeSpan.Zero;
        foreach (var analyzer in analyzers)
        {
            analyzerTime += (await withAnalyzers.GetAnalyzerTelemetryInfoAsync(analyzer, CancellationToken.None).ConfigureAwait(false)).ExecutionTime;
        }

        var reports = new List<Report>();
        foreach (var diagnostic in diagnostics)
        {
            if (diagnostic.Id == "AD0001")
            {
                exceptions.Add(diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
                continue;
            }

            var span = diagnostic.Location.GetLineSpan();
            var tree = diagnostic.Location.SourceTree!;
            var member = compilation.GetSemanticModel(tree).GetEnclosingSymbol(diagnostic.Location.SourceSpan.Start);
            reports.Add(new Report(
                project.Name,
                span.Path,
                span.StartLinePosition.Line + 1,
                diagnostic.Id,
                member?.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat) ?? "?",
                diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture)));
        }

        var lines = trees.Sum(t => t.GetText().Lines.Count);
        return new ProjectResult(project, files.Count, lines, errors, reports.OrderBy(r => r.File, StringComparer.Ordinal).ThenBy(r => r.Line).ToList(), exceptions, analyzerTime, wall.Elapsed);
    }

    /// <summary>Whether a project file under the source folders (or a Directory.Build.props above them) turns on implicit usings.</summary>
    private static bool UsesImplicitUsings(CorpusProject project, string root)
    {
        var candidates = project.SourceFolders
            .SelectMany(folder => Directory.EnumerateFiles(Path.Combine(root, folder), "*.csproj", SearchOption.AllDirectories))
            .Append(Path.Combine(root, "Directory.Build.props"))
            .Concat(project.SourceFolders.Select(folder => Path.Combine(root, folder, "..", "Directory.Build.props")));
        return candidates.Any(path => File.Exists(path) && File.ReadAllText(path).Contains("<ImplicitUsings>enable", StringComparison.OrdinalIgnoreCase));
    }
}
