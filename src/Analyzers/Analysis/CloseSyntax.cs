using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Text;

namespace TlsShutdown.Analyzers.Analysis;

/// <summary>Where a finding is reported in the source: the call, or the using that disposes implicitly.</summary>
internal static class CloseSyntax
{
    /// <summary>The call, widened to <c>x?.Dispose()</c> when it is a conditional access.</summary>
    public static Location ExplicitLocation(SyntaxNode syntax) => Widen(syntax).GetLocation();

    public static string ExplicitText(SyntaxNode syntax)
    {
        var text = Widen(syntax).ToString();
        return text.Length > 60 ? text.Substring(0, 60) + "…" : text;
    }

    /// <summary>How a finding names the call: its text, or the method's name for an implicit (using) call.</summary>
    public static string Describe(IInvocationOperation invocation) =>
        invocation.IsImplicit ? invocation.TargetMethod.Name : ExplicitText(invocation.Syntax);

    private static SyntaxNode Widen(SyntaxNode syntax)
    {
        var node = syntax;
        while (node.Parent is ConditionalAccessExpressionSyntax access && access.WhenNotNull.Span.Contains(node.Span)) node = access;
        return node;
    }

    /// <summary>For an implicit disposal: the using statement's header, or the whole using declaration.</summary>
    public static Location? UsingLocation(SyntaxNode syntax)
    {
        for (var node = syntax; node is not null; node = node.Parent)
        {
            switch (node)
            {
                case UsingStatementSyntax statement:
                    var start = statement.AwaitKeyword.IsKind(SyntaxKind.None) ? statement.UsingKeyword.SpanStart : statement.AwaitKeyword.SpanStart;
                    return Location.Create(statement.SyntaxTree, TextSpan.FromBounds(start, statement.CloseParenToken.Span.End));
                case LocalDeclarationStatementSyntax declaration when !declaration.UsingKeyword.IsKind(SyntaxKind.None):
                    return declaration.GetLocation();
                case StatementSyntax:
                case MemberDeclarationSyntax:
                    return null;
            }
        }

        return null;
    }
}
