using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace TlsShutdown.Analyzers.Analysis;

/// <summary>
/// A reader that borrows a stream (<c>new StreamReader(ssl, …, leaveOpen: true)</c>): it does not own the TLS stream,
/// so closing it closes nothing, but reading it to the end still reads the TLS stream to its end (TLS007).
/// </summary>
internal static class BorrowingReader
{
    /// <summary>The stream a <c>ReadToEnd</c> receiver reads, when the receiver is (a local holding) such a reader created in this method.</summary>
    public static IOperation? StreamUnder(IOperation? receiver, TlsTypes types, IReadOnlyList<IOperation> operations)
    {
        if (receiver is null) return null;
        var value = OperationWalker.Unwrap(receiver);
        if (value is ILocalReferenceOperation local) value = Initializer(local.Local, operations);
        return value is IObjectCreationOperation creation && types.IsOwningWrapper(creation.Type) && ConnectionModel.LeavesOpen(creation)
            && creation.Arguments.Length > 0
            ? creation.Arguments[0].Value
            : null;
    }

    /// <summary>The one value a local is assigned in the method (the control-flow graph turns declarations into assignments).</summary>
    private static IOperation? Initializer(ILocalSymbol local, IReadOnlyList<IOperation> operations)
    {
        IOperation? found = null;
        foreach (var operation in operations)
        {
            if (operation is ISimpleAssignmentOperation { Target: ILocalReferenceOperation target } assignment
                && SymbolEqualityComparer.Default.Equals(target.Local, local))
            {
                if (found is not null) return null;
                found = OperationWalker.Unwrap(assignment.Value);
            }
        }

        return found;
    }
}
