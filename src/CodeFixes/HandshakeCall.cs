using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace TlsShutdown.CodeFixes;

/// <summary>
/// A handshake TLS005 reported that <c>TlsHandshake</c> can run instead: <c>AuthenticateAsClient[Async]</c> or
/// <c>AuthenticateAsServer[Async]</c> of an SslStream (options, host or certificate overloads) or of a
/// TlsEngineStream, rewritten as <c>TlsHandshake.AuthenticateAs…(stream, options[, cancellationToken: token])</c>.
/// </summary>
internal sealed class HandshakeCall
{
    private readonly IInvocationOperation _operation;

    private HandshakeCall(InvocationExpressionSyntax invocation, IInvocationOperation operation)
    {
        Invocation = invocation;
        _operation = operation;
    }

    /// <summary>The handshake call to replace.</summary>
    public InvocationExpressionSyntax Invocation { get; }

    /// <summary>The call TLS005 reported, when TlsHandshake has an overload for it; otherwise null.</summary>
    public static HandshakeCall? Find(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        var invocation = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true).FirstAncestorOrSelf<InvocationExpressionSyntax>();
        if (invocation?.Expression is not MemberAccessExpressionSyntax) return null;
        if (model.GetOperation(invocation, cancellationToken) is not IInvocationOperation { Instance: { } } operation) return null;
        var method = operation.TargetMethod;
        if (method.Name is not ("AuthenticateAsClientAsync" or "AuthenticateAsServerAsync" or "AuthenticateAsClient" or "AuthenticateAsServer")) return null;
        if (!IsStreamType(method.ContainingType)) return null;

        // The options overload (with or without a token), or the host/certificate overload with nothing else.
        var parameters = method.Parameters;
        bool optionsOverload = parameters.Length >= 1 && IsOptions(parameters[0].Type)
            && parameters.Skip(1).All(UnboundedHandshakeCodeFixProvider.IsToken);
        bool client = method.Name.StartsWith("AuthenticateAsClient", System.StringComparison.Ordinal);
        bool valueOverload = parameters.Length == 1
            && (client
                ? parameters[0].Type.SpecialType == SpecialType.System_String
                : parameters[0].Type.ToDisplayString() == "System.Security.Cryptography.X509Certificates.X509Certificate")
            && OptionsTypeExists(model, method);
        return optionsOverload || valueOverload ? new HandshakeCall(invocation, operation) : null;
    }

    /// <summary><c>TlsHandshake.AuthenticateAs…(stream, options[, cancellationToken: token])</c>, with the original's trivia.</summary>
    public ExpressionSyntax Rewrite(SemanticModel model, CancellationToken cancellationToken)
    {
        var method = _operation.TargetMethod;
        var stream = ((MemberAccessExpressionSyntax)Invocation.Expression).Expression.WithoutTrivia().ToString();
        var first = Argument(0)!;
        var options = IsOptions(method.Parameters[0].Type)
            ? first.Syntax is ArgumentSyntax argument ? argument.Expression.WithoutTrivia().ToString() : first.Value.Syntax.ToString()
            : OptionsFrom(model, Invocation.SpanStart, method, ((ArgumentSyntax)first.Syntax).Expression);
        var token = KeptToken() ?? (method.Name.EndsWith("Async", System.StringComparison.Ordinal) ? FixContext.TokenInScope(model, Invocation, cancellationToken) : null);
        var text = $"TlsHandshake.{method.Name}({stream}, {options}{(token is null ? string.Empty : $", cancellationToken: {token}")})";
        return CloseCallFactory.Annotate(SyntaxFactory.ParseExpression(text)).WithTriviaFrom(Invocation);
    }

    /// <summary>
    /// <c>new SslClientAuthenticationOptions { TargetHost = value }</c> or <c>new SslServerAuthenticationOptions {
    /// ServerCertificate = value }</c> for the overloads that take a host name or a certificate.
    /// </summary>
    public static string OptionsFrom(SemanticModel model, int position, IMethodSymbol method, ExpressionSyntax value)
    {
        bool client = method.Name.StartsWith("AuthenticateAsClient", System.StringComparison.Ordinal);
        var type = client ? "SslClientAuthenticationOptions" : "SslServerAuthenticationOptions";
        if (!model.LookupNamespacesAndTypes(position, name: type).Any()) type = "System.Net.Security." + type;
        var text = value.WithoutTrivia().ToString();
        return client ? $"new {type} {{ TargetHost = {text} }}" : $"new {type} {{ ServerCertificate = {text} }}";
    }

    /// <summary>The token argument when it is a real one (not omitted, <c>default</c> or <c>CancellationToken.None</c>): the caller's bound, kept.</summary>
    private string? KeptToken()
    {
        var token = _operation.Arguments.FirstOrDefault(a => a.Parameter is { } p && UnboundedHandshakeCodeFixProvider.IsToken(p));
        if (token is null || token.ArgumentKind != ArgumentKind.Explicit) return null;
        var value = token.Value;
        while (value is IConversionOperation conversion) value = conversion.Operand;
        if (value is IDefaultValueOperation) return null;
        if (value is IPropertyReferenceOperation { Property.Name: "None", Property.ContainingType: var type } && type.ToDisplayString() == "System.Threading.CancellationToken") return null;
        return value.Syntax.ToString();
    }

    private IArgumentOperation? Argument(int ordinal) => _operation.Arguments.FirstOrDefault(a => a.Parameter?.Ordinal == ordinal);

    private static bool IsStreamType(INamedTypeSymbol? type)
    {
        for (var t = type; t is not null; t = t.BaseType)
        {
            if (t.ToDisplayString() is "System.Net.Security.SslStream" or "TlsShutdown.TlsEngineStream") return true;
        }

        return false;
    }

    private static bool IsOptions(ITypeSymbol type) =>
        type.ToDisplayString() is "System.Net.Security.SslClientAuthenticationOptions" or "System.Net.Security.SslServerAuthenticationOptions";

    private static bool OptionsTypeExists(SemanticModel model, IMethodSymbol method) =>
        model.Compilation.GetTypeByMetadataName(method.Name.StartsWith("AuthenticateAsClient", System.StringComparison.Ordinal)
            ? "System.Net.Security.SslClientAuthenticationOptions"
            : "System.Net.Security.SslServerAuthenticationOptions") is not null;
}
