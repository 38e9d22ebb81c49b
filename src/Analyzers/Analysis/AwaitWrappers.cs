using System.Collections.Concurrent;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace TlsShutdown.Analyzers.Analysis;

/// <summary>
/// Extension methods of the same compilation that only change how a task is awaited
/// (<c>static ConfiguredTaskAwaitable NoCapture(this Task t) => t.ConfigureAwait(false);</c>, or one returning an
/// awaitable struct of its own over the task): awaiting what they return is awaiting the task, with no more bound.
/// Decided from the method's operations: its body may only pass the task on, call <c>ConfigureAwait</c>/<c>GetAwaiter</c>
/// and create the awaitable. A wrapper that adds a time limit (<c>WaitAsync</c>, <c>WhenAny</c>, a token) is no such method.
/// </summary>
internal sealed class AwaitWrappers
{
    private readonly TlsTypes _types;
    private readonly SourceBodies _bodies;
    private readonly ConcurrentDictionary<IMethodSymbol, bool> _known = new(SymbolEqualityComparer.Default);

    public AwaitWrappers(TlsTypes types, SourceBodies bodies)
    {
        _types = types;
        _bodies = bodies;
    }

    /// <summary>Whether <paramref name="call"/> takes the task as its <c>this</c> argument and only configures awaiting.</summary>
    public bool OnlyConfiguresAwaiting(IInvocationOperation call, IArgumentOperation argument)
    {
        var method = call.TargetMethod;
        if (!method.IsExtensionMethod || argument.Parameter?.Ordinal != 0) return false;
        return _known.GetOrAdd(method.OriginalDefinition, m => Guard.Run(() => Decide(m), false));
    }

    private bool Decide(IMethodSymbol method)
    {
        if (method.Parameters.Length == 0 || !IsTaskLike(method.Parameters[0].Type)) return false;
        if (method.Parameters.Skip(1).Any(p => p.Type.SpecialType != SpecialType.System_Boolean)) return false;
        var returned = method.ReturnType;
        if (IsTaskLike(returned) || !HasGetAwaiter(returned)) return false;
        if (!ForwardsOnly(method)) return false;

        // An awaitable of the project's own: its GetAwaiter must forward too.
        if (returned.Locations.Any(l => l.IsInSource))
        {
            var getAwaiter = returned.GetMembers("GetAwaiter").OfType<IMethodSymbol>().FirstOrDefault(m => m.Parameters.Length == 0);
            return getAwaiter is not null && ForwardsOnly(getAwaiter);
        }

        return returned.ContainingNamespace?.ToDisplayString() == "System.Runtime.CompilerServices" && returned.Name.StartsWith("Configured", System.StringComparison.Ordinal);
    }

    private bool IsTaskLike(ITypeSymbol type) =>
        _types.IsTask(type) || (type.Name == "ValueTask" && type.ContainingNamespace?.ToDisplayString() == "System.Threading.Tasks");

    private static bool HasGetAwaiter(ITypeSymbol type) =>
        type.GetMembers("GetAwaiter").OfType<IMethodSymbol>().Any(m => m.Parameters.Length == 0 && !m.IsStatic);

    /// <summary>The method's body (in this compilation) does nothing but pass values on, configure awaiting and build the awaitable.</summary>
    private bool ForwardsOnly(IMethodSymbol method) => _bodies.HasBody(method) && _bodies.Of(method).All(IsForwarding);

    private static bool IsForwarding(IOperation operation) => operation switch
    {
        IMethodBodyOperation or IBlockOperation or IReturnOperation or IExpressionStatementOperation => true,
        IParameterReferenceOperation or IFieldReferenceOperation or IInstanceReferenceOperation or IPropertyReferenceOperation { Property.IsIndexer: false } => true,
        IConversionOperation or ILiteralOperation or IDefaultValueOperation or IArgumentOperation => true,
        IObjectCreationOperation creation => creation.Initializer is null,
        IInvocationOperation { TargetMethod.Name: "ConfigureAwait" or "GetAwaiter" } => true,
        _ => false,
    };
}
