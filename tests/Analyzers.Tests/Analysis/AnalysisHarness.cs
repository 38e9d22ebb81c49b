using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;
using TlsShutdown.Analyzers.Analysis;
using TlsShutdown.Analyzers.Tests.Verifiers;

namespace TlsShutdown.Analyzers.Tests.Analysis;

/// <summary>Compiles a test source against the pinned reference assemblies and the runtime, and hands out the analysis helpers' inputs.</summary>
internal sealed class AnalysisHarness
{
    private static IReadOnlyList<MetadataReference>? s_references;

    private AnalysisHarness(CSharpCompilation compilation)
    {
        Compilation = compilation;
        Types = TlsTypes.TryCreate(compilation) ?? throw new InvalidOperationException("no TLS types");
        Summaries = new MethodSummaries(compilation, Types);
    }

    public CSharpCompilation Compilation { get; }

    public TlsTypes Types { get; }

    public MethodSummaries Summaries { get; }

    public static async Task<AnalysisHarness> CompileAsync(string source)
    {
        s_references ??= (await CSharpVerifier.Net80.ResolveAsync(LanguageNames.CSharp, CancellationToken.None)).Add(CSharpVerifier.Runtime);
        var tree = CSharpSyntaxTree.ParseText(CSharpVerifier.Usings + source, new CSharpParseOptions(LanguageVersion.CSharp12));
        var compilation = CSharpCompilation.Create(
            "Harness", new[] { tree }, s_references, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(errors.Count == 0, string.Join("\n", errors));
        return new AnalysisHarness(compilation);
    }

    public IMethodSymbol Method(string type, string name) =>
        (IMethodSymbol)Compilation.GetTypeByMetadataName(type)!.GetMembers(name).Single();

    /// <summary>The control-flow graph of a method's body.</summary>
    public ControlFlowGraph Graph(string type, string name)
    {
        var syntax = Method(type, name).DeclaringSyntaxReferences.Single().GetSyntax();
        var model = Compilation.GetSemanticModel(syntax.SyntaxTree);
        return ControlFlowGraph.Create((IMethodBodyOperation)model.GetOperation(syntax)!);
    }

    /// <summary>The connection model of a method, with the class facts given (none by default).</summary>
    public ConnectionModel Model(string type, string name, ClassFacts? facts = null) =>
        ConnectionModel.Build(Graph(type, name), Types, Summaries, facts ?? new ClassFacts(), outer: null);

    /// <summary>Every invocation of the named method in a method body, in source order.</summary>
    public List<IInvocationOperation> Invocations(ConnectionModel model, string name) =>
        model.Operations.OfType<IInvocationOperation>().Where(i => i.TargetMethod.Name == name).OrderBy(i => i.Syntax.SpanStart).ToList();

    public ILocalSymbol Local(ConnectionModel model, string name) =>
        model.Operations.OfType<ILocalReferenceOperation>().First(l => l.Local.Name == name).Local;

    public ISymbol Member(string type, string name) => Compilation.GetTypeByMetadataName(type)!.GetMembers(name).Single();
}
