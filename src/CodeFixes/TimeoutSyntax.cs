using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace TlsShutdown.CodeFixes;

/// <summary>Pieces for fixes that add a time limit: a CancellationTokenSource local and the token argument.</summary>
internal static class TimeoutSyntax
{
    /// <summary>A local name not already in scope: <paramref name="name"/>, name2, name3…</summary>
    public static string FreeName(SemanticModel model, int position, string name)
    {
        var candidate = name;
        for (int i = 2; model.LookupSymbols(position, name: candidate).Any(); i++) candidate = name + i;
        return candidate;
    }

    /// <summary><c>using var name = new CancellationTokenSource(…)</c>, linked to <paramref name="token"/> when there is one.</summary>
    public static StatementSyntax[] Source(string name, int seconds, string? token)
    {
        var delay = $"System.TimeSpan.FromSeconds({seconds})";
        return token is null
            ? new[] { Parse($"using var {name} = new System.Threading.CancellationTokenSource({delay});") }
            : new[]
            {
                Parse($"using var {name} = System.Threading.CancellationTokenSource.CreateLinkedTokenSource({token});"),
                Parse($"{name}.CancelAfter({delay});"),
            };
    }

    public static StatementSyntax Parse(string text) => CloseCallFactory.Annotate(SyntaxFactory.ParseStatement(text));

    /// <summary>
    /// The arguments with <paramref name="tokenExpression"/> as the cancellation token: replacing the argument
    /// given for <paramref name="tokenParameter"/>, or appended (named when other arguments are).
    /// </summary>
    public static ArgumentListSyntax WithToken(ArgumentListSyntax arguments, IMethodSymbol method, IParameterSymbol tokenParameter, string tokenExpression)
    {
        var token = SyntaxFactory.ParseExpression(tokenExpression);
        for (int i = 0; i < arguments.Arguments.Count; i++)
        {
            var argument = arguments.Arguments[i];
            var parameter = argument.NameColon is { } nameColon
                ? method.Parameters.FirstOrDefault(p => p.Name == nameColon.Name.Identifier.ValueText)
                : i < method.Parameters.Length ? method.Parameters[i] : null;
            if (SymbolEqualityComparer.Default.Equals(parameter, tokenParameter))
            {
                return arguments.ReplaceNode(argument, argument.WithExpression(token.WithTriviaFrom(argument.Expression)));
            }
        }

        var added = SyntaxFactory.Argument(token);
        if (arguments.Arguments.Any(a => a.NameColon is not null) || tokenParameter.Ordinal != arguments.Arguments.Count)
        {
            added = added.WithNameColon(SyntaxFactory.NameColon(tokenParameter.Name));
        }

        return arguments.AddArguments(added);
    }
}
