using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;

namespace TlsShutdown.CodeFixes;

/// <summary>
/// What the fixes share: two flavours (GracefulTlsClose when the project references the runtime, an
/// inline bounded form otherwise, said so in the title), and a Fix All that edits each document once so
/// the using directive is added once.
/// </summary>
public abstract class TlsCodeFixProviderBase : CodeFixProvider
{
    /// <summary>The title of the fix, for the runtime flavour or the inline one.</summary>
    protected abstract string Title(bool runtime);

    /// <summary>A stable prefix for the equivalence keys (the rule ID).</summary>
    protected abstract string KeyPrefix { get; }

    /// <summary>Whether the diagnostic can be fixed here (checked before offering the fix).</summary>
    protected abstract bool CanFix(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, bool runtime, CancellationToken cancellationToken);

    /// <summary>Records the edits for one diagnostic; false when there was nothing to do.</summary>
    protected abstract bool Fix(DocumentEditor editor, Diagnostic diagnostic, bool runtime, CancellationToken cancellationToken);

    /// <summary>Whether the project references the runtime the fix calls (by default: GracefulTlsClose exists).</summary>
    protected virtual bool HasRuntime(Compilation compilation) => CloseCallFactory.HasRuntime(compilation);

    /// <summary>The title of the fix for one diagnostic; by default <see cref="Title(bool)"/>.</summary>
    protected virtual string Title(bool runtime, SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken cancellationToken) => Title(runtime);

    /// <inheritdoc />
    public sealed override FixAllProvider GetFixAllProvider() => FixAllProvider.Create(async (context, document, diagnostics) =>
    {
        var model = await document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        bool runtime = model is not null && HasRuntime(model.Compilation);
        if (context.CodeActionEquivalenceKey != Key(runtime)) return null;
        return await FixAsync(document, diagnostics, runtime, context.CancellationToken).ConfigureAwait(false);
    });

    /// <inheritdoc />
    public sealed override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null || model is null) return;
        bool runtime = HasRuntime(model.Compilation);
        foreach (var diagnostic in context.Diagnostics)
        {
            if (!CanFix(root, model, diagnostic, runtime, context.CancellationToken)) continue;
            context.RegisterCodeFix(
                CodeAction.Create(Title(runtime, root, model, diagnostic, context.CancellationToken), ct => FixAsync(context.Document, ImmutableArray.Create(diagnostic), runtime, ct), Key(runtime)),
                diagnostic);
        }
    }

    private string Key(bool runtime) => KeyPrefix + (runtime ? ".Graceful" : ".Inline");

    private async Task<Document> FixAsync(Document document, ImmutableArray<Diagnostic> diagnostics, bool runtime, CancellationToken cancellationToken)
    {
        var editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);
        var root = editor.OriginalRoot;
        bool changed = false;
        foreach (var diagnostic in diagnostics)
        {
            if (CanFix(root, editor.SemanticModel, diagnostic, runtime, cancellationToken)) changed |= Fix(editor, diagnostic, runtime, cancellationToken);
        }

        if (!changed) return document;
        var newRoot = editor.GetChangedRoot();
        if (runtime && newRoot is CompilationUnitSyntax unit && CallsRuntimeUnqualified(unit)) newRoot = CloseCallFactory.AddRuntimeUsing(unit);
        return document.WithSyntaxRoot(newRoot);
    }

    /// <summary>Whether the code now names GracefulTlsClose or TlsHandshake unqualified (and so needs <c>using TlsShutdown;</c>).</summary>
    private static bool CallsRuntimeUnqualified(CompilationUnitSyntax root) =>
        root.DescendantNodes().OfType<MemberAccessExpressionSyntax>().Any(m =>
            m.Expression is IdentifierNameSyntax { Identifier.ValueText: "GracefulTlsClose" or "TlsHandshake" });
}
