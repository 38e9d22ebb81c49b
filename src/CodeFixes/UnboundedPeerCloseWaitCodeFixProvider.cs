using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using TlsShutdown.Analyzers;

namespace TlsShutdown.CodeFixes;

/// <summary>
/// TLS002. The usual shape, a shutdown followed by a read-until-0 loop, becomes one GracefulTlsClose call
/// (it does exactly that, bounded). Otherwise the read gets a time limit: a token from a
/// CancellationTokenSource with a delay for async reads, a ReadTimeout for sync ones.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UnboundedPeerCloseWaitCodeFixProvider)), Shared]
public sealed class UnboundedPeerCloseWaitCodeFixProvider : TlsCodeFixProviderBase
{
    /// <summary>How long the fixed code waits for the peer's close_notify.</summary>
    public const int PeerCloseSeconds = 5;

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIdentifiers.UnboundedPeerCloseWait);

    /// <inheritdoc />
    protected override string KeyPrefix => RuleIdentifiers.UnboundedPeerCloseWait;

    /// <inheritdoc />
    protected override string Title(bool runtime) => runtime
        ? "Bound the wait for the peer's close_notify (GracefulTlsClose for shutdown + read loop)"
        : "Bound the wait for the peer's close_notify (inline; the project does not reference TlsShutdown)";

    /// <inheritdoc />
    protected override bool CanFix(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, bool runtime, CancellationToken cancellationToken) =>
        diagnostic.Location.SourceSpan.IntersectsWith(root.FullSpan) && Plan(root, model, diagnostic, runtime, cancellationToken) is not null;

    /// <inheritdoc />
    protected override bool Fix(DocumentEditor editor, Diagnostic diagnostic, bool runtime, CancellationToken cancellationToken)
    {
        if (Plan(editor.OriginalRoot, editor.SemanticModel, diagnostic, runtime, cancellationToken) is not { } plan) return false;
        var model = editor.SemanticModel;
        bool isAsync = FixContext.IsAsync(plan.Top);
        var token = isAsync ? FixContext.TokenInScope(model, plan.Top, cancellationToken) : null;

        if (plan.Shutdown is { } shutdown)
        {
            editor.ReplaceNode(shutdown, CloseCallFactory.GracefulClose(plan.Receiver, isAsync, token).WithTriviaFrom(shutdown));
            foreach (var declaration in plan.Drained) editor.RemoveNode(declaration, SyntaxRemoveOptions.KeepUnbalancedDirectives);
            editor.RemoveNode(plan.Top, SyntaxRemoveOptions.KeepUnbalancedDirectives);
            return true;
        }

        if (!plan.Method.Name.EndsWith("Async", System.StringComparison.Ordinal))
        {
            StatementEditing.InsertBefore(editor, plan.Top, TimeoutSyntax.Parse($"{plan.Receiver}.ReadTimeout = {PeerCloseSeconds * 1000};"));
            return true;
        }

        var name = TimeoutSyntax.FreeName(model, plan.Top.SpanStart, "peerCloseTimeout");
        var tokenParameter = plan.Method.Parameters.First(IsToken);
        editor.ReplaceNode(plan.Read.ArgumentList, TimeoutSyntax.WithToken(plan.Read.ArgumentList, plan.Method, tokenParameter, name + ".Token"));
        StatementEditing.InsertBefore(editor, plan.Top, TimeoutSyntax.Source(name, PeerCloseSeconds, token: null));
        return true;
    }

    private static bool Mentions(SyntaxNode node, string name) =>
        node.DescendantNodes().OfType<IdentifierNameSyntax>().Any(i => i.Identifier.ValueText == name);

    private static bool IsToken(IParameterSymbol parameter) => parameter.Type.ToDisplayString() == "System.Threading.CancellationToken";

    private sealed class FixPlan
    {
        public FixPlan(InvocationExpressionSyntax read, IMethodSymbol method, string receiver, StatementSyntax top, StatementSyntax? shutdown, IReadOnlyList<StatementSyntax>? drained = null)
        {
            Read = read;
            Method = method;
            Receiver = receiver;
            Top = top;
            Shutdown = shutdown;
            Drained = drained ?? System.Array.Empty<StatementSyntax>();
        }

        /// <summary>Declarations between the shutdown and the loop used by the loop only (its buffer): removed with it.</summary>
        public IReadOnlyList<StatementSyntax> Drained { get; }

        public InvocationExpressionSyntax Read { get; }

        public IMethodSymbol Method { get; }

        public string Receiver { get; }

        public StatementSyntax Top { get; }

        public StatementSyntax? Shutdown { get; }
    }

    private static FixPlan? Plan(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, bool runtime, CancellationToken cancellationToken)
    {
        var read = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true).FirstAncestorOrSelf<InvocationExpressionSyntax>();
        if (read?.Expression is not MemberAccessExpressionSyntax access) return null;
        if (model.GetSymbolInfo(read, cancellationToken).Symbol is not IMethodSymbol method) return null;
        var receiver = access.Expression.WithoutTrivia().ToString();

        // The statement of the enclosing block that holds the read (the loop, usually).
        var top = read.Ancestors().OfType<StatementSyntax>().FirstOrDefault(s => s.Parent is BlockSyntax);
        if (top?.Parent is not BlockSyntax block) return null;

        if (runtime && top is WhileStatementSyntax or DoStatementSyntax or ForStatementSyntax
            && model.GetTypeInfo(access.Expression, cancellationToken).Type?.ToDisplayString() == "System.Net.Security.SslStream")
        {
            // The loop's own declarations (byte[] buffer = …) may sit between the shutdown and the loop.
            int index = block.Statements.IndexOf(top);
            var drained = new List<StatementSyntax>();
            while (index > 0 && block.Statements[index - 1] is LocalDeclarationStatementSyntax declaration
                   && IsOnlyUsedBy(declaration, top, block))
            {
                drained.Insert(0, declaration);
                index--;
            }

            if (index > 0 && block.Statements[index - 1] is ExpressionStatementSyntax previous
                && previous.DescendantNodes().OfType<InvocationExpressionSyntax>().FirstOrDefault(i =>
                    i.Expression is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "ShutdownAsync" } m && m.Expression.ToString() == receiver) is { } shutdownCall
                && ShutdownCallSyntax.TryFind(shutdownCall, out var shutdownStatement, out _) && shutdownStatement == previous
                && !top.DescendantNodes().OfType<IdentifierNameSyntax>().Any(IsUsedOutsideRead))
            {
                return new FixPlan(read, method, receiver, top, previous, drained);
            }
        }

        if (method.Name.EndsWith("Async", System.StringComparison.Ordinal))
        {
            if (!method.Parameters.Any(IsToken) || ((CSharpParseOptions)root.SyntaxTree.Options).LanguageVersion < LanguageVersion.CSharp8) return null;
        }

        return new FixPlan(read, method, receiver, top, shutdown: null);

        // A declaration that is not the stream's, read by the loop and by nothing after it.
        bool IsOnlyUsedBy(LocalDeclarationStatementSyntax declaration, StatementSyntax loop, BlockSyntax scope)
        {
            if (Mentions(declaration, receiver)) return false;
            var names = declaration.Declaration.Variables.Select(v => v.Identifier.ValueText).ToList();
            return scope.Statements.SkipWhile(s => s != loop).Skip(1).All(s => !names.Any(n => Mentions(s, n)));
        }

        // A loop whose body does more than drain (writes the data somewhere) is not the usual shape.
        static bool IsUsedOutsideRead(IdentifierNameSyntax identifier) =>
            identifier.Parent is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Write" or "WriteAsync" or "Append" or "Add" };
    }
}
