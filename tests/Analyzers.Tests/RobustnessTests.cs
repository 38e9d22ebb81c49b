using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using TlsShutdown.Analyzers.Tests.Verifiers;

namespace TlsShutdown.Analyzers.Tests;

/// <summary>
/// The analyzers must never throw (AD0001), whatever the code: every test source is cut short at many
/// points and has random tokens removed, the way code looks while it is typed, and analyzed.
/// </summary>
public partial class RobustnessTests
{
    [GeneratedRegex("\"\"\"\\r?\\n(.*?)\"\"\"", RegexOptions.Singleline)]
    private static partial Regex RawString();

    [GeneratedRegex(@"\{\|TLS00\d:|\|\}")]
    private static partial Regex Markup();

    private static List<string> TestSources()
    {
        var files = Directory.GetFiles(RepositoryPaths.Combine("tests", "Analyzers.Tests"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"));
        return files.SelectMany(f => RawString().Matches(File.ReadAllText(f)).Select(m => Markup().Replace(m.Groups[1].Value, "")))
            .Where(s => s.Contains("class", StringComparison.Ordinal))
            .Distinct()
            .Select(s => CSharpVerifier.Usings + s)
            .ToList();
    }

    private static IEnumerable<string> Variants(string source, Random random)
    {
        // Cut short at many points.
        const int cuts = 24;
        for (int i = 1; i <= cuts; i++) yield return source[..(source.Length * i / (cuts + 1))];

        // Random tokens removed, one to three at a time.
        var tokens = CSharpSyntaxTree.ParseText(source).GetRoot().DescendantTokens().ToList();
        for (int i = 0; i < 16; i++)
        {
            var text = source;
            foreach (var token in Enumerable.Range(0, random.Next(1, 4)).Select(_ => tokens[random.Next(tokens.Count)]).OrderByDescending(t => t.SpanStart))
            {
                text = text.Remove(token.SpanStart, token.Span.Length);
            }

            yield return text;
        }
    }

    [Fact]
    public async Task Analyzers_never_throw_on_broken_code()
    {
        var sources = TestSources();
        Assert.True(sources.Count >= 30, $"only {sources.Count} test sources found");
        var references = (await CSharpVerifier.Net80.ResolveAsync(LanguageNames.CSharp, CancellationToken.None)).Add(CSharpVerifier.Runtime);
        var stubs = new[] { CSharpSyntaxTree.ParseText(Stubs.BouncyCastle) };
        var random = new Random(20261123);
        var variants = sources.SelectMany(s => Variants(s, random)).ToList();
        var failures = new ConcurrentBag<string>();
        var analyzers = CSharpVerifier.Analyzers;

        // Many trees per compilation keep this fast; an exception in one tree is still caught and reported.
        foreach (var batch in variants.Chunk(60))
        {
            var trees = batch.Select((text, i) => CSharpSyntaxTree.ParseText(text, path: $"variant{i}.cs")).Concat(stubs);
            var compilation = CSharpCompilation.Create("Robustness", trees, references,
                new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
            var options = new CompilationWithAnalyzersOptions(
                new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
                (exception, analyzer, _) => failures.Add($"{analyzer.GetType().Name}: {exception}"),
                concurrentAnalysis: true,
                logAnalyzerExecutionTime: false);
            var diagnostics = await compilation.WithAnalyzers(analyzers, options).GetAnalyzerDiagnosticsAsync();
            foreach (var ad0001 in diagnostics.Where(d => d.Id == "AD0001")) failures.Add(ad0001.ToString());
        }

        Assert.True(failures.IsEmpty, $"{failures.Count} analyzer exceptions over {variants.Count} variants:\n" + string.Join("\n\n", failures.Take(3)));
    }
}
