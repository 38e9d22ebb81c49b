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
/// TLS005: give the handshake a time limit. When the project references the runtime, the handshake becomes a
/// call of <c>TlsHandshake</c> (its default 10-second limit, the caller's token passed on; the sync forms call the
/// sync overloads). Otherwise, and for <c>NegotiateClientCertificateAsync</c>: async, a CancellationTokenSource
/// with a delay (linked to the method's token when it has one) passed as the token; sync, a ReadTimeout on the
/// stream before the handshake. The string and certificate overloads, which take no token, become the options
/// overload in both forms.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UnboundedHandshakeCodeFixProvider)), Shared]
public sealed class UnboundedHandshakeCodeFixProvider : TlsCodeFixProviderBase
{
    /// <summary>The handshake time limit the fix writes; the user is expected to tune it.</summary>
    public const int HandshakeSeconds = 30;

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIdentifiers.UnboundedHandshake);

    /// <inheritdoc />
    protected override string KeyPrefix => RuleIdentifiers.UnboundedHandshake;

    /// <inheritdoc />
    protected override string Title(bool runtime) => $"Add a {HandshakeSeconds}-second handshake timeout";

    /// <inheritdoc />
    protected override string Title(bool runtime, SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken cancellationToken) =>
        runtime && HandshakeCall.Find(root, model, diagnostic, cancellationToken) is not null
            ? "Use TlsHandshake (a 10-second handshake timeout)"
            : Title(runtime);

    /// <inheritdoc />
    protected override bool HasRuntime(Compilation compilation) =>
        compilation.GetTypeByMetadataName(TlsCodeFixes.TlsHandshakeMetadataName) is not null;

    /// <inheritdoc />
    protected override bool CanFix(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, bool runtime, CancellationToken cancellationToken) =>
        diagnostic.Location.SourceSpan.IntersectsWith(root.FullSpan)
        && ((runtime && HandshakeCall.Find(root, model, diagnostic, cancellationToken) is not null) || Plan(root, model, diagnostic, cancellationToken) is not null);

    /// <inheritdoc />
    protected override bool Fix(DocumentEditor editor, Diagnostic diagnostic, bool runtime, CancellationToken cancellationToken)
    {
        if (runtime && HandshakeCall.Find(editor.OriginalRoot, editor.SemanticModel, diagnostic, cancellationToken) is { } call)
        {
            editor.ReplaceNode(call.Invocation, call.Rewrite(editor.SemanticModel, cancellationToken));
            return true;
        }

        if (Plan(editor.OriginalRoot, editor.SemanticModel, diagnostic, cancellationToken) is not { } plan) return false;
        var (invocation, statement, method, receiver) = plan;

        if (!method.Name.EndsWith("Async", System.StringComparison.Ordinal))
        {
            StatementEditing.InsertBefore(editor, statement, TimeoutSyntax.Parse($"{receiver}.ReadTimeout = {HandshakeSeconds * 1000};"));
            return true;
        }

        var model = editor.SemanticModel;
        var name = TimeoutSyntax.FreeName(model, statement.SpanStart, "handshakeTimeout");
        var token = FixContext.TokenInScope(model, statement, cancellationToken);
        var tokenExpression = name + ".Token";
        ArgumentListSyntax arguments;
        var tokenParameter = method.Parameters.FirstOrDefault(IsToken);
        if (tokenParameter is not null)
        {
            arguments = TimeoutSyntax.WithToken(invocation.ArgumentList, method, tokenParameter, tokenExpression);
        }
        else
        {
            // AuthenticateAsClientAsync(string) / AuthenticateAsServerAsync(X509Certificate): no token overload.
            var options = HandshakeCall.OptionsFrom(model, statement.SpanStart, method, invocation.ArgumentList.Arguments[0].Expression);
            arguments = SyntaxFactory.ParseArgumentList($"({options}, {tokenExpression})");
        }

        editor.ReplaceNode(invocation.ArgumentList, arguments.WithTriviaFrom(invocation.ArgumentList));
        StatementEditing.InsertBefore(editor, statement, TimeoutSyntax.Source(name, HandshakeSeconds, token));
        return true;
    }

    internal static bool IsToken(IParameterSymbol parameter) => parameter.Type.ToDisplayString() == "System.Threading.CancellationToken";

    private static (InvocationExpressionSyntax Invocation, StatementSyntax Statement, IMethodSymbol Method, string Receiver)? Plan(
        SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        var invocation = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true).FirstAncestorOrSelf<InvocationExpressionSyntax>();
        if (invocation?.Expression is not MemberAccessExpressionSyntax access) return null;
        if (model.GetSymbolInfo(invocation, cancellationToken).Symbol is not IMethodSymbol method) return null;

        // APM handshakes (BeginAuthenticateAs…, FromAsync over them) take no token and ignore ReadTimeout: no fix to offer.
        if (!(method.Name.StartsWith("AuthenticateAs", System.StringComparison.Ordinal) || method.Name == "NegotiateClientCertificateAsync")) return null;
        if (StatementEditing.EnclosingStatement(invocation) is not { } statement) return null;
        if (statement.Parent is not (BlockSyntax or SwitchSectionSyntax)) return null;
        var receiver = access.Expression.WithoutTrivia().ToString();
        if (!method.Name.EndsWith("Async", System.StringComparison.Ordinal)) return (invocation, statement, method, receiver);

        // A using declaration needs C# 8 and a block.
        if (statement.Parent is not BlockSyntax) return null;
        if (((CSharpParseOptions)root.SyntaxTree.Options).LanguageVersion < LanguageVersion.CSharp8) return null;
        if (method.Parameters.Any(IsToken)) return (invocation, statement, method, receiver);
        bool optionsExist = model.Compilation.GetTypeByMetadataName(
            method.Name == "AuthenticateAsClientAsync" ? "System.Net.Security.SslClientAuthenticationOptions" : "System.Net.Security.SslServerAuthenticationOptions") is not null;
        return optionsExist && method.Parameters.Length == 1 && method.Name is "AuthenticateAsClientAsync" or "AuthenticateAsServerAsync"
            ? (invocation, statement, method, receiver)
            : null;
    }
}
