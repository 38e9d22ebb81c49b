using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using TlsShutdown.Analyzers;

namespace TlsShutdown.CodeFixes;

/// <summary>
/// TLS003 and TLS004: replace an unbounded or dropped <c>ShutdownAsync()</c> with GracefulTlsClose (bounded
/// send, bounded wait, dispose), or without the runtime with a shutdown bounded by <c>Task.WhenAny</c>.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(ShutdownCodeFixProvider)), Shared]
public sealed class ShutdownCodeFixProvider : TlsCodeFixProviderBase
{
    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } =
        ImmutableArray.Create(RuleIdentifiers.UnboundedShutdown, RuleIdentifiers.ShutdownNotAwaited);

    /// <inheritdoc />
    protected override string KeyPrefix => "TLS003";

    /// <inheritdoc />
    protected override string Title(bool runtime) => runtime
        ? "Replace with GracefulTlsClose (bounded shutdown and close)"
        : "Bound the shutdown with a timeout (inline; the project does not reference TlsShutdown)";

    /// <inheritdoc />
    protected override bool CanFix(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, bool runtime, CancellationToken cancellationToken)
    {
        if (!runtime && !CloseCallFactory.CanShutdownInline(model.Compilation)) return false;
        if (!diagnostic.Location.SourceSpan.IntersectsWith(root.FullSpan)) return false;
        var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
        if (!ShutdownCallSyntax.TryFind(node, out var statement, out var stream)) return false;
        if (!runtime) return true;

        // GracefulTlsClose also disposes: not when the stream is still read afterwards (that is TLS002's fix).
        var name = stream.ToString();
        return statement.Parent is not BlockSyntax block
            || !block.Statements.SkipWhile(s => s != statement).Skip(1).Any(s => s.DescendantNodes().OfType<MemberAccessExpressionSyntax>()
                .Any(m => m.Expression.ToString() == name && m.Name.Identifier.ValueText.StartsWith("Read", System.StringComparison.Ordinal)));
    }

    /// <inheritdoc />
    protected override bool Fix(DocumentEditor editor, Diagnostic diagnostic, bool runtime, CancellationToken cancellationToken)
    {
        var node = editor.OriginalRoot.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
        if (!ShutdownCallSyntax.TryFind(node, out var statement, out var stream)) return false;
        bool isAsync = FixContext.IsAsync(statement);
        var token = isAsync ? FixContext.TokenInScope(editor.SemanticModel, statement, cancellationToken) : null;
        var replacement = CloseCallFactory.Close(stream.WithoutTrivia().ToString(), isAsync, token, runtime);
        editor.ReplaceNode(statement, replacement.WithTriviaFrom(statement));
        return true;
    }
}
