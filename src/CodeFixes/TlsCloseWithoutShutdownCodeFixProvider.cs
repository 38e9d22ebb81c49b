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
public sealed class TlsCloseWithoutShutdownCodeFixProvider : TlsCodeFixProviderBase
{
    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIdentifiers.CloseWithoutShutdown);

    /// <inheritdoc />
    protected override string KeyPrefix => RuleIdentifiers.CloseWithoutShutdown;

    /// <inheritdoc />
    protected override string Title(bool runtime) => runtime
        ? "Close gracefully with GracefulTlsClose"
        : "Add a bounded TLS shutdown (inline; the project does not reference TlsShutdown)";

    /// <inheritdoc />
    protected override bool CanFix(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, bool runtime, CancellationToken cancellationToken)
    {
        if (!runtime && !CloseCallFactory.CanShutdownInline(model.Compilation)) return false;
        if (!diagnostic.Properties.TryGetValue(FindingProperties.Stream, out var stream) || stream is null) return false;

        // GracefulTlsClose has SslStream and TlsEngineStream overloads; the inline form needs SslStream.ShutdownAsync.
        if (!runtime && diagnostic.Properties.TryGetValue(FindingProperties.Kind, out var kind) && kind != "SslStream") return false;
        if (!diagnostic.Location.SourceSpan.IntersectsWith(root.FullSpan)) return false;
        var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
        return FixContext.IsInScope(model, node.SpanStart, stream);
    }

    /// <inheritdoc />
    protected override bool Fix(DocumentEditor editor, Diagnostic diagnostic, bool runtime, CancellationToken cancellationToken)
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
            var hoistedNames = new HashSet<string>();
            foreach (var (anchor, exit) in UsingExits(node, model, diagnostic.Properties[FindingProperties.Stream]!, cancellationToken))
            {
                switch (exit)
                {
                    case Exit.After:
                        StatementEditing.InsertAfter(editor, anchor, Close());
                        break;
                    case Exit.Before:
                        StatementEditing.InsertBefore(editor, anchor, Close());
                        break;
                    case Exit.HoistedReturn:
                        // return Read(ssl);  becomes  var result = Read(ssl); close; return result;
                        var ret = (ReturnStatementSyntax)anchor;
                        var name = FreeLocalName(model, ret, "result", hoistedNames);
                        var hoisted = SyntaxFactory.ParseStatement($"var {name} = {ret.Expression!.WithoutTrivia().ToFullString()};");
                        var returnResult = ret.WithExpression(SyntaxFactory.IdentifierName(name).WithLeadingTrivia(SyntaxFactory.Space));
                        StatementEditing.InsertBeforeAndReplace(editor, ret, returnResult, CloseCallFactory.Annotate(hoisted), Close());
                        break;
                }
            }
        }
        else if (StatementEditing.EnclosingStatement(node) is { } statement)
        {
            var close = Close();
            if (node is ConditionalAccessExpressionSyntax || FixContext.IsDeclaredNullable(model, node.SpanStart, diagnostic.Properties[FindingProperties.Stream]!))
            {
                // x?.Dispose(), or a nullable field: the stream may be null here.
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
    private static IEnumerable<(StatementSyntax Anchor, Exit Exit)> UsingExits(SyntaxNode node, SemanticModel model, string stream, CancellationToken cancellationToken)
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
                    yield return (ret, Exit.Before);
                    break;
                case ReturnStatementSyntax ret when CanHoist(model, ret.Expression!, cancellationToken):
                    yield return (ret, Exit.HoistedReturn);
                    break;
                case BreakStatementSyntax or ContinueStatementSyntax when LeavesScope((StatementSyntax)exit, scope):
                    yield return ((StatementSyntax)exit, Exit.Before);
                    break;
            }
        }

        var last = statements[statements.Count - 1];
        if (last is not (ReturnStatementSyntax or ThrowStatementSyntax or BreakStatementSyntax or ContinueStatementSyntax)
            && model.AnalyzeControlFlow(statements[0], last) is { Succeeded: true, EndPointIsReachable: true })
        {
            yield return (last, Exit.After);
        }
    }

    /// <summary>
    /// Whether a return that uses the stream can compute its value first and close after: the value must
    /// have a type of its own (for <c>var</c>) and must not be a task still using the stream.
    /// </summary>
    private static bool CanHoist(SemanticModel model, ExpressionSyntax expression, CancellationToken cancellationToken)
    {
        var type = model.GetTypeInfo(expression, cancellationToken).Type;
        if (type is null or IErrorTypeSymbol || type.SpecialType == SpecialType.System_Void) return false;
        var awaiter = type.GetMembers("GetAwaiter");
        return awaiter.IsEmpty && type.ContainingNamespace?.ToDisplayString() != "System.Threading.Tasks";
    }

    /// <summary>
    /// A name for a new local that neither resolves at <paramref name="statement"/> nor is declared anywhere
    /// in its function (C# forbids a local shadowing one of an enclosing or later scope), nor was taken by
    /// another edit of this fix.
    /// </summary>
    private static string FreeLocalName(SemanticModel model, StatementSyntax statement, string name, HashSet<string> taken)
    {
        var function = FixContext.EnclosingFunction(statement) ?? statement;
        var declared = new HashSet<string>(function.DescendantTokens()
            .Where(t => t.IsKind(SyntaxKind.IdentifierToken) && t.Parent is VariableDeclaratorSyntax or SingleVariableDesignationSyntax
                or ForEachStatementSyntax or CatchDeclarationSyntax or ParameterSyntax or LocalFunctionStatementSyntax)
            .Select(t => t.ValueText));
        var candidate = name;
        for (int i = 2; taken.Contains(candidate) || declared.Contains(candidate) || model.LookupSymbols(statement.SpanStart, name: candidate).Any(); i++)
        {
            candidate = name + i;
        }

        taken.Add(candidate);
        return candidate;
    }

    private enum Exit
    {
        /// <summary>Close before the statement (a return, break or continue).</summary>
        Before,

        /// <summary>Close after the statement (the last one of the scope).</summary>
        After,

        /// <summary>A return whose value reads the stream: compute it, close, then return it.</summary>
        HoistedReturn,
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
