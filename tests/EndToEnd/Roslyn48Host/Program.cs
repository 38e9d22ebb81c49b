using System.Collections.Immutable;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

// Usage: Roslyn48Host --compile <compile-items.txt> --references <references.txt> --sarif <build.sarif>
//                     --analyzer <dll> [--analyzer <dll> ...] [--expect-ids TLS001,TLS002,...]
// Exit code 0 when the analyzers load, run without exceptions, and report exactly what the SDK build did.
var options = HostOptions.Parse(args);
var failures = new List<string>();
Console.WriteLine($"Roslyn host: Microsoft.CodeAnalysis {typeof(Compilation).Assembly.GetName().Version}");

// 1. Load every analyzer assembly the way compilers and IDEs do.
var loader = new DefaultLoader();
var analyzers = new List<DiagnosticAnalyzer>();
var references = new List<AnalyzerFileReference>();
foreach (string path in options.Analyzers)
{
    loader.AddDependencyLocation(path);
}

foreach (string path in options.Analyzers)
{
    var reference = new AnalyzerFileReference(path, loader);
    reference.AnalyzerLoadFailed += (_, e) => failures.Add($"load failure in {Path.GetFileName(path)}: {e.ErrorCode} {e.TypeName} {e.Message} {e.Exception}");
    ImmutableArray<DiagnosticAnalyzer> found = reference.GetAnalyzers(LanguageNames.CSharp);
    Console.WriteLine($"{Path.GetFileName(path)}: {found.Length} analyzer(s)");
    analyzers.AddRange(found);
    references.Add(reference);
}

// 2. The code fixes must load too: the IDE instantiates them from the same assemblies.
int fixers = 0;
foreach (AnalyzerFileReference reference in references)
{
    Assembly assembly = reference.GetAssembly();
    Type[] types;
    try
    {
        types = assembly.GetTypes();
    }
    catch (ReflectionTypeLoadException error)
    {
        failures.Add($"type load failure in {assembly.GetName().Name}: {string.Join("; ", error.LoaderExceptions.Select(e => e?.Message))}");
        continue;
    }

    foreach (Type type in types.Where(t => !t.IsAbstract && typeof(CodeFixProvider).IsAssignableFrom(t)
        && t.GetCustomAttributes<ExportCodeFixProviderAttribute>().Any()))
    {
        var fixer = (CodeFixProvider)Activator.CreateInstance(type)!;
        Console.WriteLine($"code fix {type.Name}: {string.Join(", ", fixer.FixableDiagnosticIds)}; fix all: {fixer.GetFixAllProvider() is not null}");
        fixers++;
    }
}

if (analyzers.Count == 0)
{
    failures.Add("no analyzers loaded");
}

// 3. Analyze the same compilation the SDK compiled.
var parse = new CSharpParseOptions(LanguageVersion.CSharp12);
SyntaxTree[] trees = File.ReadAllLines(options.CompileItems)
    .Where(l => l.Length > 0)
    .Select(path => CSharpSyntaxTree.ParseText(File.ReadAllText(path), parse, path))
    .ToArray();
MetadataReference[] metadata = File.ReadAllLines(options.References)
    .Where(l => l.Length > 0)
    .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
    .ToArray();
var compilation = CSharpCompilation.Create(
    "AllRules",
    trees,
    metadata,
    new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
foreach (Diagnostic error in compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error))
{
    failures.Add($"compile error in the 4.8 host: {error}");
}

var analyzerExceptions = new List<string>();
var withAnalyzers = compilation.WithAnalyzers(
    [.. analyzers],
    new CompilationWithAnalyzersOptions(
        new AnalyzerOptions([]),
        onAnalyzerException: (e, analyzer, _) => analyzerExceptions.Add($"{analyzer.GetType().Name}: {e}"),
        concurrentAnalysis: true,
        logAnalyzerExecutionTime: false));
ImmutableArray<Diagnostic> found48 = await withAnalyzers.GetAnalyzerDiagnosticsAsync();
failures.AddRange(analyzerExceptions.Select(e => "AD0001 analyzer exception: " + e));
foreach (Diagnostic bad in found48.Where(d => d.Id is "AD0001" or "CS8032" or "CS9057"))
{
    failures.Add($"{bad.Id}: {bad.GetMessage()}");
}

SortedSet<string> host = [.. found48.Where(d => d.Id.StartsWith("TLS", StringComparison.Ordinal)).Select(Key)];
List<SarifResult> sdkResults = SarifLog.Read(options.Sarif);
failures.AddRange(sdkResults.Where(r => r.RuleId is "AD0001" or "CS8032" or "CS9057").Select(r => $"SDK build reported {r.RuleId}: {r.Message}"));
SortedSet<string> sdk = [.. sdkResults.Where(r => !r.Suppressed && r.RuleId.StartsWith("TLS", StringComparison.Ordinal))
    .Select(r => $"{r.RuleId} {Path.GetFileName(r.FilePath)}({r.StartLine},{r.StartColumn})")];

Console.WriteLine($"SDK build ({options.Sarif}): {sdk.Count} TLS diagnostic(s)");
Console.WriteLine($"Roslyn 4.8 host: {host.Count} TLS diagnostic(s)");
foreach (string d in sdk.Union(host))
{
    string mark = sdk.Contains(d) && host.Contains(d) ? "both    " : sdk.Contains(d) ? "SDK only" : "4.8 only";
    Console.WriteLine($"  {mark}  {d}");
}

if (!sdk.SetEquals(host))
{
    failures.Add("the SDK build and the Roslyn 4.8 host report different diagnostics");
}

foreach (string id in options.ExpectIds.Where(id => !host.Any(d => d.StartsWith(id + " ", StringComparison.Ordinal))))
{
    failures.Add($"{id} was not reported");
}

foreach (string failure in failures)
{
    Console.WriteLine("FAIL: " + failure);
}

Console.WriteLine(failures.Count == 0
    ? $"OK: {analyzers.Count} analyzer(s) and {fixers} code fix(es) loaded in Roslyn 4.8; same {host.Count} diagnostics as the SDK"
    : $"{failures.Count} failure(s)");
return failures.Count == 0 ? 0 : 1;

static string Key(Diagnostic d)
{
    FileLinePositionSpan span = d.Location.GetLineSpan();
    return $"{d.Id} {Path.GetFileName(span.Path)}({span.StartLinePosition.Line + 1},{span.StartLinePosition.Character + 1})";
}

internal sealed record HostOptions(string CompileItems, string References, string Sarif, List<string> Analyzers, List<string> ExpectIds)
{
    public static HostOptions Parse(string[] args)
    {
        string compile = "", references = "", sarif = "";
        var analyzers = new List<string>();
        var expect = new List<string>();
        for (int i = 0; i + 1 < args.Length; i += 2)
        {
            string value = args[i + 1];
            switch (args[i])
            {
                case "--compile": compile = value; break;
                case "--references": references = value; break;
                case "--sarif": sarif = value; break;
                case "--analyzer": analyzers.Add(Path.GetFullPath(value)); break;
                case "--expect-ids": expect.AddRange(value.Split(',', StringSplitOptions.RemoveEmptyEntries)); break;
                default: throw new ArgumentException($"unknown argument {args[i]}");
            }
        }

        return new HostOptions(compile, references, sarif, analyzers, expect);
    }
}

/// <summary>Loads analyzer assemblies into the default context, resolving their dependencies from beside them.</summary>
internal sealed class DefaultLoader : IAnalyzerAssemblyLoader
{
    private readonly HashSet<string> _directories = new(StringComparer.Ordinal);

    public DefaultLoader()
    {
        AssemblyLoadContext.Default.Resolving += (context, name) =>
        {
            foreach (string directory in _directories)
            {
                string candidate = Path.Combine(directory, name.Name + ".dll");
                if (File.Exists(candidate))
                {
                    return context.LoadFromAssemblyPath(candidate);
                }
            }

            return null;
        };
    }

    public void AddDependencyLocation(string fullPath) => _directories.Add(Path.GetDirectoryName(fullPath)!);

    public Assembly LoadFromPath(string fullPath) => AssemblyLoadContext.Default.LoadFromAssemblyPath(fullPath);
}
