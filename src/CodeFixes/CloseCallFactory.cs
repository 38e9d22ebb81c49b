using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Simplification;

namespace TlsShutdown.CodeFixes;

/// <summary>
/// Builds the statements the fixes insert: a <c>GracefulTlsClose</c> call when the project references the
/// runtime, otherwise a bounded inline shutdown that compiles on any target framework with SslStream.
/// </summary>
internal static class CloseCallFactory
{
    /// <summary>How long the inline fallback waits for ShutdownAsync; the runtime's own defaults apply otherwise.</summary>
    public const int InlineShutdownSeconds = 5;

    /// <summary>The inline fallback needs SslStream.ShutdownAsync (.NET Framework 4.7+, .NET Core 2.0+).</summary>
    public static bool CanShutdownInline(Compilation compilation) =>
        compilation.GetTypeByMetadataName("System.Net.Security.SslStream")?.GetMembers("ShutdownAsync").Length > 0;

    public static bool HasRuntime(Compilation compilation) =>
        compilation.GetTypeByMetadataName(TlsCodeFixes.GracefulTlsCloseMetadataName) is not null;

    /// <summary><c>await GracefulTlsClose.CloseAsync(x, cancellationToken: ct);</c> or <c>GracefulTlsClose.Close(x);</c>.</summary>
    public static StatementSyntax GracefulClose(string stream, bool isAsync, string? token)
    {
        var text = isAsync
            ? token is null
                ? $"await GracefulTlsClose.CloseAsync({stream});"
                : $"await GracefulTlsClose.CloseAsync({stream}, cancellationToken: {token});"
            : $"GracefulTlsClose.Close({stream});";
        return Annotate(SyntaxFactory.ParseStatement(text));
    }

    /// <summary>A shutdown bounded without the runtime: <c>Task.WhenAny</c> with a delay, or <c>Wait(TimeSpan)</c>.</summary>
    public static StatementSyntax InlineShutdown(string stream, bool isAsync)
    {
        var delay = $"System.TimeSpan.FromSeconds({InlineShutdownSeconds})";
        var text = isAsync
            ? $"await System.Threading.Tasks.Task.WhenAny({stream}.ShutdownAsync(), System.Threading.Tasks.Task.Delay({delay}));"
            : $"{stream}.ShutdownAsync().Wait({delay});";
        return Annotate(SyntaxFactory.ParseStatement(text));
    }

    public static StatementSyntax Close(string stream, bool isAsync, string? token, bool runtime) =>
        runtime ? GracefulClose(stream, isAsync, token) : InlineShutdown(stream, isAsync);

    /// <summary>Marks a new node for formatting and simplification (so System.Threading.Tasks.Task becomes Task when imported).</summary>
    public static T Annotate<T>(T node)
        where T : SyntaxNode =>
        node.WithLeadingTrivia(SyntaxFactory.ElasticMarker)
            .WithTrailingTrivia(SyntaxFactory.ElasticMarker)
            .WithAdditionalAnnotations(Formatter.Annotation, Simplifier.Annotation);

    /// <summary>The document's own line ending, so inserted lines match the file.</summary>
    public static SyntaxTrivia EndOfLine(SyntaxNode root)
    {
        foreach (var trivia in root.DescendantTrivia())
        {
            if (trivia.IsKind(SyntaxKind.EndOfLineTrivia)) return trivia;
        }

        return SyntaxFactory.ElasticCarriageReturnLineFeed;
    }

    /// <summary>Adds <c>using TlsShutdown;</c> unless it is there, after the usings that sort before it.</summary>
    public static CompilationUnitSyntax AddRuntimeUsing(CompilationUnitSyntax root)
    {
        if (root.Usings.Any(u => u.Name?.ToString() == TlsCodeFixes.RuntimeNamespace && u.Alias is null && u.StaticKeyword.IsKind(SyntaxKind.None)))
        {
            return root;
        }

        var directive = SyntaxFactory.UsingDirective(SyntaxFactory.ParseName(TlsCodeFixes.RuntimeNamespace))
            .WithTrailingTrivia(EndOfLine(root))
            .WithAdditionalAnnotations(Formatter.Annotation);
        int index = 0;
        while (index < root.Usings.Count && Sorts(root.Usings[index]) <= 0) index++;
        return root.WithUsings(root.Usings.Insert(index, directive));

        static int Sorts(UsingDirectiveSyntax existing)
        {
            if (existing.Alias is not null || !existing.StaticKeyword.IsKind(SyntaxKind.None)) return 1;
            var name = existing.Name?.ToString() ?? string.Empty;
            if (name == "System" || name.StartsWith("System.", System.StringComparison.Ordinal)) return -1;
            return string.CompareOrdinal(name, TlsCodeFixes.RuntimeNamespace) < 0 ? -1 : 1;
        }
    }
}
