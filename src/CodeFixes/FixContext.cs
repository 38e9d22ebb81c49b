using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace TlsShutdown.CodeFixes;

/// <summary>Facts about where a fix is applied: async or not, the cancellation token in scope.</summary>
internal static class FixContext
{
    /// <summary>The innermost method, local function or lambda around a node.</summary>
    public static SyntaxNode? EnclosingFunction(SyntaxNode node) =>
        node.Ancestors().FirstOrDefault(a => a is BaseMethodDeclarationSyntax or LocalFunctionStatementSyntax or AnonymousFunctionExpressionSyntax or AccessorDeclarationSyntax);

    public static bool IsAsync(SyntaxNode node) => EnclosingFunction(node) switch
    {
        MethodDeclarationSyntax method => method.Modifiers.Any(SyntaxKind.AsyncKeyword),
        LocalFunctionStatementSyntax local => local.Modifiers.Any(SyntaxKind.AsyncKeyword),
        AnonymousFunctionExpressionSyntax lambda => !lambda.AsyncKeyword.IsKind(SyntaxKind.None),
        _ => false,
    };

    /// <summary>The name of a CancellationToken parameter of the enclosing functions, innermost first.</summary>
    public static string? TokenInScope(SemanticModel model, SyntaxNode node, CancellationToken cancellationToken)
    {
        foreach (var function in node.Ancestors().Where(a => a is BaseMethodDeclarationSyntax or LocalFunctionStatementSyntax or AnonymousFunctionExpressionSyntax))
        {
            var symbol = (model.GetDeclaredSymbol(function, cancellationToken) ?? model.GetSymbolInfo(function, cancellationToken).Symbol) as IMethodSymbol;
            var token = symbol?.Parameters.FirstOrDefault(p => p.Type.ToDisplayString() == "System.Threading.CancellationToken");
            if (token is not null) return token.Name;
            if (function is BaseMethodDeclarationSyntax) break;
        }

        return null;
    }

    /// <summary>
    /// Whether the named field, property or parameter is declared nullable (<c>SslStream? _tls</c>): the
    /// inserted call must then be guarded, or nullable analysis warns. Locals are left out: <c>var</c>
    /// declares them nullable even when they never are.
    /// </summary>
    public static bool IsDeclaredNullable(SemanticModel model, int position, string name) =>
        model.LookupSymbols(position, name: name).FirstOrDefault() switch
        {
            IFieldSymbol field => field.NullableAnnotation == NullableAnnotation.Annotated,
            IPropertySymbol property => property.NullableAnnotation == NullableAnnotation.Annotated,
            IParameterSymbol parameter => parameter.NullableAnnotation == NullableAnnotation.Annotated,
            _ => false,
        };

    /// <summary>Whether a name resolves at a position (the stream the fix passes must be in scope).</summary>
    public static bool IsInScope(SemanticModel model, int position, string name) =>
        model.LookupSymbols(position, name: name).Any(s => s is ILocalSymbol or IParameterSymbol or IFieldSymbol or IPropertySymbol);
}
