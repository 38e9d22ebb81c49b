using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;
using TlsShutdown.Analyzers.Analysis;
using TlsShutdown.Analyzers.Rules;

namespace TlsShutdown.Analyzers.Tests.Verifiers;

/// <summary>What a test compiles with besides the reference assemblies: the real runtime assembly, BouncyCastle's stub.</summary>
[Flags]
public enum TestStubs
{
    None = 0,
    Runtime = 1,
    BouncyCastle = 2,
    All = Runtime | BouncyCastle,
}

/// <summary>
/// Runs every TlsShutdown analyzer (and code fix) over a test source, so each test also proves the other
/// rules stay quiet. Reference assemblies are pinned: the package is fetched at restore, tests run offline.
/// </summary>
public static class CSharpVerifier
{
    /// <summary>Usings every test source starts with; kept out of the test text.</summary>
    public const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.IO;
        using System.Net;
        using System.Net.Security;
        using System.Net.Sockets;
        using System.Threading;
        using System.Threading.Tasks;

        """;

    public static readonly ReferenceAssemblies Net80 =
        new("net8.0", new PackageIdentity("Microsoft.NETCore.App.Ref", "8.0.28"), Path.Combine("ref", "net8.0"));

    public static ImmutableArray<DiagnosticAnalyzer> Analyzers { get; } = typeof(TlsAnalyzerBase).Assembly.GetTypes()
        .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t))
        .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)
        .ToImmutableArray();

    public static ImmutableArray<CodeFixProvider> CodeFixes { get; } = typeof(TlsShutdown.CodeFixes.TlsCodeFixes).Assembly.GetTypes()
        .Where(t => !t.IsAbstract && typeof(CodeFixProvider).IsAssignableFrom(t))
        .Select(t => (CodeFixProvider)Activator.CreateInstance(t)!)
        .ToImmutableArray();

    /// <summary>
    /// The real TlsShutdown runtime assembly (its net8.0 build, copied beside the tests by the project file): test
    /// sources see exactly the shipped public API, TlsEngineStream.ShutdownAsync and TlsHandshake included.
    /// </summary>
    public static MetadataReference Runtime { get; } =
        MetadataReference.CreateFromFile(Path.Combine(AppContext.BaseDirectory, "runtime-net8.0", "TlsShutdown.dll"));

    [ModuleInitializer]
    internal static void FailOnAnalyzerException() => Guard.Rethrow = true;

    /// <summary>Verifies the diagnostics marked in <paramref name="source"/> (<c>{|TLS001:…|}</c>) and no others.</summary>
    public static Task VerifyAsync(string source, TestStubs stubs = TestStubs.All, LanguageVersion languageVersion = LanguageVersion.CSharp12)
    {
        var test = new Test(languageVersion);
        AddSources(test.TestState, Usings + source, stubs);
        return test.RunAsync();
    }

    /// <summary>Verifies the diagnostics with an .editorconfig whose <c>[*.cs]</c> section holds <paramref name="options"/> (one <c>key = value</c> per line).</summary>
    public static Task VerifyWithOptionsAsync(string source, string options)
    {
        var test = new Test(LanguageVersion.CSharp12);
        AddSources(test.TestState, Usings + source, TestStubs.All);
        test.TestState.AnalyzerConfigFiles.Add(("/.editorconfig", "root = true\n\n[*.cs]\n" + options + "\n"));
        return test.RunAsync();
    }

    /// <summary>Verifies the diagnostics, then that the fixes (one by one and Fix All) produce <paramref name="fixedSource"/>.</summary>
    public static Task VerifyFixAsync(string source, string fixedSource, TestStubs stubs = TestStubs.All, string? fixedUsings = null, int? iterations = null)
    {
        var test = new Test(LanguageVersion.CSharp12);
        AddSources(test.TestState, Usings + source, stubs);
        AddSources(test.FixedState, (fixedUsings ?? Usings) + fixedSource, stubs);
        if (iterations is { } n)
        {
            test.NumberOfIncrementalIterations = n;
            test.NumberOfFixAllIterations = n;
        }

        return test.RunAsync();
    }

    private static void AddSources(SolutionState state, string code, TestStubs stubs)
    {
        state.Sources.Add(("/0/Test0.cs", code));
        if (stubs.HasFlag(TestStubs.Runtime)) state.AdditionalReferences.Add(Runtime);
        if (stubs.HasFlag(TestStubs.BouncyCastle)) state.Sources.Add(("/0/BouncyCastleStubs.cs", Stubs.BouncyCastle));
    }

    /// <summary>The usings after a fix that adds <c>using TlsShutdown;</c>.</summary>
    public static string UsingsWithRuntime => Usings.TrimEnd() + "\nusing TlsShutdown;\n";

    public sealed class Test : CSharpCodeFixTest<TlsCloseWithoutShutdownAnalyzer, EmptyCodeFixProvider, DefaultVerifier>
    {
        private readonly LanguageVersion _languageVersion;

        public Test(LanguageVersion languageVersion)
        {
            _languageVersion = languageVersion;
            ReferenceAssemblies = Net80;
        }

        protected override IEnumerable<DiagnosticAnalyzer> GetDiagnosticAnalyzers() => Analyzers;

        protected override IEnumerable<CodeFixProvider> GetCodeFixProviders() => CodeFixes;

        protected override ParseOptions CreateParseOptions() =>
            ((CSharpParseOptions)base.CreateParseOptions()).WithLanguageVersion(_languageVersion);

        protected override CompilationOptions CreateCompilationOptions() =>
            ((CSharpCompilationOptions)base.CreateCompilationOptions()).WithNullableContextOptions(NullableContextOptions.Enable);
    }
}
