using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using TlsShutdown.Analyzers;

namespace TlsShutdown.CodeFixes;

/// <summary>
/// TLS001: shut the connection down before it is closed. An explicit close gets the call inserted before
/// it; a using gets it before each exit that ends its scope normally (returns, break/continue out of it,
/// the end of the block).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(TlsCloseWithoutShutdownCodeFixProvider)), Shared]
public sealed class TlsCloseWithoutShutdownCodeFixProvider : CodeFixProvider
{
    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIdentifiers.CloseWithoutShutdown);

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => FixAllProvider.Create(async (context, document, diagnostics) =>
    {
        var model = await document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        bool runtime = model is not null && CloseCallFactory.HasRuntime(model.Compilation);
        if ((context.CodeActionEquivalenceKey == EquivalenceKeyGraceful) != runtime) return null;
        return await FixAsync(document, diagnostics, runtime, context.CancellationToken).ConfigureAwait(false);
    });

    private const string EquivalenceKeyGraceful = "TLS001.Graceful";
    private const string EquivalenceKeyInline = "TLS001.Inline";

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null || model is null) return;
        bool runtime = CloseCallFactory.HasRuntime(model.Compilation);

        foreach (var diagnostic in context.Diagnostics)
        {
            if (!diagnostic.Properties.TryGetValue(FindingProperties.Stream, out var stream) || stream is null) continue;
            if (!runtime && diagnostic.Properties.TryGetValue(FindingProperties.Kind, out var kind) && kind != "SslStream") continue;
            var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
            if (!FixContext.IsInScope(model, node.SpanStart, stream)) continue;

            var title = runtime
                ? "Close gracefully with GracefulTlsClose"
                : "Add a bounded TLS shutdown (inline; the project does not reference TlsShutdown)";
            context.RegisterCodeFix(
                CodeAction.Create(title, ct => FixAsync(context.Document, ImmutableArray.Create(diagnostic), runtime, ct), equivalenceKey: runtime ? EquivalenceKeyGraceful : EquivalenceKeyInline),
                diagnostic);
        }
    }

    /// <summary>Applies the fixes of a document in one edit, so Fix All adds the using directive once.</summary>
    private static async Task<Document> FixAsync(Document document, ImmutableArray<Diagnostic> diagnostics, bool runtime, CancellationToken cancellationToken)
    {
        var editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);
        bool changed = false;
        foreach (var diagnostic in diagnostics)
        {
            if (diagnostic.Properties.ContainsKey(FindingProperties.Stream)) changed |= Fix(editor, diagnostic, runtime, cancellationToken);
        }

        if (!changed) return document;
        var newRoot = editor.GetChangedRoot();
        if (runtime && newRoot is CompilationUnitSyntax unit) newRoot = CloseCallFactory.AddRuntimeUsing(unit);
        return document.WithSyntaxRoot(newRoot);
    }

    private static bool Fix(DocumentEditor editor, Diagnostic diagnostic, bool runtime, CancellationToken cancellationToken)
    {
        var root = editor.OriginalRoot;
        var model = editor.SemanticModel;
        var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
        var stream = diagnostic.Properties[FindingProperties.Stream]!;
        if (diagnostic.Properties.TryGetValue(FindingProperties.CastTo, out var cast) && cast is not null)
        {
            stream = $"(({(cast == "TlsEngineStream" ? "TlsShutdown.TlsEngineStream" : "System.Net.Security.SslStream")}){stream})";
        }

        bool isAsync = FixContext.IsAsync(node);
        var token = isAsync ? FixContext.TokenInScope(model, node, cancellationToken) : null;
        StatementSyntax Close() => CloseCallFactory.Close(stream, isAsync, token, runtime);

        if (diagnostic.Properties.TryGetValue(FindingProperties.Using, out var isUsing) && isUsing == "true")
        {
            foreach (var (anchor, after) in UsingExits(node, model, diagnostic.Properties[FindingProperties.Stream]!, cancellationToken))
            {
                if (after) StatementEditing.InsertAfter(editor, anchor, Close());
                else StatementEditing.InsertBefore(editor, anchor, Close());
            }
        }
        else if (StatementEditing.EnclosingStatement(node) is { } statement)
        {
            var close = Close();
            if (node is ConditionalAccessExpressionSyntax)
            {
                // x?.Dispose(): the stream may be null here.
                close = CloseCallFactory.Annotate(SyntaxFactory.ParseStatement(
                    $"if ({diagnostic.Properties[FindingProperties.Stream]} != null) {close.WithoutTrivia().ToFullString()}"));
            }

            StatementEditing.InsertBefore(editor, statement, close);
        }
        else if (node.FirstAncestorOrSelf<ArrowExpressionClauseSyntax>() is { Parent: MethodDeclarationSyntax method } arrow
                 && method.ReturnType is PredefinedTypeSyntax { Keyword.RawKind: (int)SyntaxKind.VoidKeyword })
        {
            // void Dispose() => _ssl.Dispose();  becomes a block body.
            var body = SyntaxFactory.Block(Close(), SyntaxFactory.ExpressionStatement(arrow.Expression.WithoutTrivia()));
            editor.ReplaceNode(method, method.WithExpressionBody(null).WithSemicolonToken(default).WithBody(CloseCallFactory.Annotate(body))
                .WithTrailingTrivia(method.GetTrailingTrivia()));
        }
        else
        {
            return false;
        }

        return true;
    }

    /// <summary>
    /// The places where a using's scope ends normally: before each return, break or continue that leaves
    /// it, and after its last statement when the end is reachable. Returns that use the stream are left
    /// alone: closing before them would break them.
    /// </summary>
    private static IEnumerable<(StatementSyntax Anchor, bool After)> UsingExits(SyntaxNode node, SemanticModel model, string stream, CancellationToken cancellationToken)
    {
        BlockSyntax? scope;
        int firstIndex;
        if (node.FirstAncestorOrSelf<UsingStatementSyntax>() is { } usingStatement && usingStatement.Statement is BlockSyntax body)
        {
            scope = body;
            firstIndex = 0;
        }
        else if (node.FirstAncestorOrSelf<LocalDeclarationStatementSyntax>() is { Parent: BlockSyntax block } declaration)
        {
            scope = block;
            firstIndex = block.Statements.IndexOf(declaration) + 1;
        }
        else
        {
            yield break;
        }

        var statements = scope.Statements.Skip(firstIndex).ToList();
        if (statements.Count == 0) yield break;

        foreach (var exit in statements.SelectMany(s => s.DescendantNodesAndSelf(n => n is not (AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax))))
        {
            switch (exit)
            {
                case ReturnStatementSyntax ret when ret.Expression is null || !Mentions(ret.Expression, stream):
                    yield return (ret, false);
                    break;
                case BreakStatementSyntax or ContinueStatementSyntax when LeavesScope((StatementSyntax)exit, scope):
                    yield return ((StatementSyntax)exit, false);
                    break;
            }
        }

        var last = statements[statements.Count - 1];
        if (last is not (ReturnStatementSyntax or ThrowStatementSyntax or BreakStatementSyntax or ContinueStatementSyntax)
            && model.AnalyzeControlFlow(statements[0], last) is { Succeeded: true, EndPointIsReachable: true })
        {
            yield return (last, true);
        }

        _ = cancellationToken;
    }

    private static bool Mentions(SyntaxNode node, string name) =>
        node.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>().Any(i => i.Identifier.ValueText == name);

    /// <summary>A break or continue leaves the scope unless a loop (or, for break, a switch) inside the scope catches it.</summary>
    private static bool LeavesScope(StatementSyntax jump, BlockSyntax scope)
    {
        for (var node = jump.Parent; node is not null && node != scope; node = node.Parent)
        {
            if (node is ForStatementSyntax or ForEachStatementSyntax or WhileStatementSyntax or DoStatementSyntax) return false;
            if (jump is BreakStatementSyntax && node is SwitchStatementSyntax) return false;
        }

        return true;
    }
}
