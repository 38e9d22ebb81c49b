using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;

namespace TlsShutdown.CodeFixes;

/// <summary>Inserting statements next to a statement wherever it sits (block, switch section, top level, embedded).</summary>
internal static class StatementEditing
{
    public static void InsertBefore(SyntaxEditor editor, StatementSyntax anchor, params StatementSyntax[] statements) =>
        InsertBeforeAndReplace(editor, anchor, replacement: null, statements);

    /// <summary>Inserts <paramref name="statements"/> before <paramref name="anchor"/> and, when given, replaces the anchor.</summary>
    public static void InsertBeforeAndReplace(SyntaxEditor editor, StatementSyntax anchor, StatementSyntax? replacement, params StatementSyntax[] statements)
    {
        switch (anchor.Parent)
        {
            case BlockSyntax or SwitchSectionSyntax:
                // Comments above the anchor now introduce the inserted close; the anchor keeps its indentation.
                var eol = CloseCallFactory.EndOfLine(editor.OriginalRoot);
                var leading = anchor.GetLeadingTrivia();
                var indentation = leading.Count > 0 && leading[leading.Count - 1].IsKind(SyntaxKind.WhitespaceTrivia)
                    ? SyntaxFactory.TriviaList(leading[leading.Count - 1])
                    : SyntaxFactory.TriviaList(SyntaxFactory.ElasticMarker);
                var inserted = new SyntaxNode[statements.Length];
                for (int i = 0; i < statements.Length; i++)
                {
                    var statement = statements[i].WithTrailingTrivia(eol);
                    inserted[i] = i == 0 ? statement.WithLeadingTrivia(leading) : statement.WithLeadingTrivia(indentation);
                }

                editor.InsertBefore(anchor, inserted);
                editor.ReplaceNode(anchor, (current, _) => (replacement?.WithTrailingTrivia(current.GetTrailingTrivia()) ?? current).WithLeadingTrivia(indentation));
                break;
            case GlobalStatementSyntax global:
                var globals = new SyntaxNode[statements.Length];
                for (int i = 0; i < statements.Length; i++) globals[i] = SyntaxFactory.GlobalStatement(statements[i]);
                editor.InsertBefore(global, globals);
                if (replacement is not null) editor.ReplaceNode(global, global.WithStatement(replacement.WithTriviaFrom(anchor)));
                break;
            default:
                // An embedded statement (if (x) return;): make it a block first.
                var newLine = CloseCallFactory.EndOfLine(editor.OriginalRoot);
                var list = new StatementSyntax[statements.Length + 1];
                for (int i = 0; i < statements.Length; i++) list[i] = statements[i].WithTrailingTrivia(newLine);
                list[statements.Length] = (replacement ?? anchor).WithoutTrivia().WithTrailingTrivia(newLine);
                editor.ReplaceNode(anchor, CloseCallFactory.Annotate(SyntaxFactory.Block(list)).WithTriviaFrom(anchor));
                break;
        }
    }

    public static void InsertAfter(SyntaxEditor editor, StatementSyntax anchor, StatementSyntax statement)
    {
        statement = statement.WithTrailingTrivia(CloseCallFactory.EndOfLine(editor.OriginalRoot));
        if (anchor.Parent is GlobalStatementSyntax global)
        {
            editor.InsertAfter(global, SyntaxFactory.GlobalStatement(statement));
        }
        else
        {
            editor.InsertAfter(anchor, statement);
        }
    }

    /// <summary>The statement a node belongs to, when there is one.</summary>
    public static StatementSyntax? EnclosingStatement(SyntaxNode node)
    {
        for (var current = node; current is not null; current = current.Parent)
        {
            if (current is StatementSyntax statement) return statement;
            if (current is MemberDeclarationSyntax or AnonymousFunctionExpressionSyntax) return null;
        }

        return null;
    }
}
