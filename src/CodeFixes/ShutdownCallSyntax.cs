using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace TlsShutdown.CodeFixes;

/// <summary>
/// The statement around a reported <c>ShutdownAsync()</c>: <c>await x.ShutdownAsync()[.ConfigureAwait(…)]</c>,
/// <c>x.ShutdownAsync().Wait()</c>, <c>.GetAwaiter().GetResult()</c>, <c>_ = x.ShutdownAsync()</c> or the bare call.
/// </summary>
internal static class ShutdownCallSyntax
{
    public static bool TryFind(SyntaxNode node, out ExpressionStatementSyntax statement, out ExpressionSyntax stream)
    {
        statement = null!;
        stream = null!;
        var invocation = node.FirstAncestorOrSelf<InvocationExpressionSyntax>();
        if (invocation?.Expression is not MemberAccessExpressionSyntax { Name.Identifier.ValueText: "ShutdownAsync" } access) return false;
        stream = access.Expression;

        SyntaxNode outer = invocation;
        while (outer.Parent is MemberAccessExpressionSyntax chained && chained.Parent is InvocationExpressionSyntax call
               && chained.Name.Identifier.ValueText is "ConfigureAwait" or "Wait" or "WaitAsync" or "GetAwaiter" or "GetResult")
        {
            outer = call;
        }

        if (outer.Parent is AwaitExpressionSyntax awaited) outer = awaited;
        if (outer.Parent is AssignmentExpressionSyntax { Left: IdentifierNameSyntax { Identifier.ValueText: "_" } } discard && discard.Right == outer)
        {
            outer = discard;
        }

        if (outer.Parent is not ExpressionStatementSyntax expressionStatement) return false;
        statement = expressionStatement;
        return true;
    }
}
