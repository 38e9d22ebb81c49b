using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace TlsShutdown.Analyzers.Analysis;

/// <summary>What the code does with a task (or value task) it gets from a TLS call.</summary>
internal enum TaskUseKind
{
    /// <summary>Passed on, returned, stored: someone else decides; never reported.</summary>
    Unknown,

    /// <summary>Awaited with no bound.</summary>
    Awaited,

    /// <summary>Blocked on with no bound (<c>Wait()</c>, <c>GetAwaiter().GetResult()</c>, <c>Result</c>).</summary>
    Blocked,

    /// <summary>Not awaited, not kept.</summary>
    Dropped,

    /// <summary>Awaited or blocked on with a real time limit.</summary>
    Bounded,

    /// <summary>Only continued (<c>ContinueWith</c>, the continuation's task dropped): observed, but with no time limit.</summary>
    Continued,
}

/// <summary>
/// Classifies the use of a task and the cancellation tokens given to a call. A timeout counts when it
/// is real: a token from a parameter or from a CancellationTokenSource with a delay, <c>WaitAsync(TimeSpan)</c>,
/// <c>Wait(TimeSpan)</c>, <c>Task.WhenAny</c>. <c>default</c> and <c>CancellationToken.None</c> are none.
/// </summary>
internal sealed class TaskUse
{
    private readonly TlsTypes _types;
    private readonly IReadOnlyList<IOperation> _operations;
    private Dictionary<ILocalSymbol, List<IOperation>>? _localReferences;

    public TaskUse(TlsTypes types, IReadOnlyList<IOperation> operations)
    {
        _types = types;
        _operations = operations;
    }

    public TaskUseKind Classify(IOperation producer) => Classify(producer, 0);

    private TaskUseKind Classify(IOperation producer, int depth)
    {
        if (depth > 4) return TaskUseKind.Unknown;
        var parent = OperationWalker.ParentSkippingConversions(producer, out var child);
        switch (parent)
        {
            case IExpressionStatementOperation:
                return TaskUseKind.Dropped;
            case IAwaitOperation:
                return TaskUseKind.Awaited;
            case IInvocationOperation invocation when invocation.Instance == child:
                return ClassifyContinuation(invocation, depth);
            case IPropertyReferenceOperation { Property.Name: "Result" }:
                return TaskUseKind.Blocked;
            case IArgumentOperation or IArrayInitializerOperation or IArrayCreationOperation:
                return ClassifyArgument(parent, depth);
            case ISimpleAssignmentOperation assignment when assignment.Value == child:
                return OperationWalker.Unwrap(assignment.Target) switch
                {
                    IDiscardOperation => TaskUseKind.Dropped,
                    ILocalReferenceOperation local => ClassifyLocal(local.Local, depth),
                    _ => TaskUseKind.Unknown,
                };
            default:
                return TaskUseKind.Unknown;
        }
    }

    private TaskUseKind ClassifyContinuation(IInvocationOperation invocation, int depth)
    {
        switch (invocation.TargetMethod.Name)
        {
            case "ConfigureAwait" or "AsTask" or "Preserve":
                return Classify(invocation, depth + 1);
            case "ContinueWith":
                // A continuation waits for the task as long as it takes: no bound, though nothing blocks on it.
                return Classify(invocation, depth + 1) is var continued && continued == TaskUseKind.Dropped ? TaskUseKind.Continued : continued;
            case "WaitAsync":
                return HasTimeLimit(invocation) ? TaskUseKind.Bounded : Classify(invocation, depth + 1);
            case "Wait":
                return HasTimeLimit(invocation) ? TaskUseKind.Bounded : TaskUseKind.Blocked;
            case "GetAwaiter":
                return invocation.Parent is IInvocationOperation { TargetMethod.Name: "GetResult" } ? TaskUseKind.Blocked : TaskUseKind.Unknown;
            default:
                return TaskUseKind.Unknown;
        }
    }

    private TaskUseKind ClassifyArgument(IOperation parent, int depth)
    {
        // Walk out of a params array to the argument, then to the call.
        while (parent is IArrayInitializerOperation or IArrayCreationOperation) parent = parent.Parent!;
        if (parent is not IArgumentOperation { Parent: IInvocationOperation call } argument) return TaskUseKind.Unknown;

        // await task.NoCapture(): an extension of our own that only configures awaiting is the task awaited.
        if (_types.AwaitWrappers.OnlyConfiguresAwaiting(call, argument)) return Classify(call, depth + 1);
        return call.TargetMethod.Name switch
        {
            "WhenAny" => TaskUseKind.Bounded,
            "WaitAny" => call.Arguments.Length > 1 ? TaskUseKind.Bounded : TaskUseKind.Blocked,
            _ => TaskUseKind.Unknown,
        };
    }

    private TaskUseKind ClassifyLocal(ILocalSymbol local, int depth)
    {
        var uses = LocalReferences(local).Where(r => !(r.Parent is ISimpleAssignmentOperation a && a.Target == r)).ToList();
        if (uses.Count == 0) return TaskUseKind.Dropped;
        var kinds = uses.Select(u => Classify(u, depth + 1)).ToList();
        if (kinds.Contains(TaskUseKind.Bounded)) return TaskUseKind.Bounded;
        if (kinds.Contains(TaskUseKind.Unknown)) return TaskUseKind.Unknown;
        if (kinds.Contains(TaskUseKind.Awaited)) return TaskUseKind.Awaited;
        if (kinds.Contains(TaskUseKind.Blocked)) return TaskUseKind.Blocked;
        return TaskUseKind.Dropped;
    }

    private List<IOperation> LocalReferences(ILocalSymbol local)
    {
        if (_localReferences is null)
        {
            _localReferences = new Dictionary<ILocalSymbol, List<IOperation>>(SymbolEqualityComparer.Default);
            foreach (var op in _operations)
            {
                if (op is ILocalReferenceOperation reference)
                {
                    if (!_localReferences.TryGetValue(reference.Local, out var list)) _localReferences[reference.Local] = list = new List<IOperation>();
                    list.Add(reference);
                }
            }
        }

        return _localReferences.TryGetValue(local, out var found) ? found : new List<IOperation>();
    }

    /// <summary><c>Wait(TimeSpan)</c>, <c>Wait(int)</c>, <c>WaitAsync(TimeSpan)</c> or a real token.</summary>
    private bool HasTimeLimit(IInvocationOperation invocation)
    {
        foreach (var argument in invocation.Arguments)
        {
            var type = argument.Parameter?.Type;
            if (_types.IsTimeSpan(type))
            {
                if (!IsInfinite(argument.Value)) return true;
            }
            else if (type?.SpecialType == SpecialType.System_Int32)
            {
                if (argument.Value.ConstantValue is not { HasValue: true, Value: -1 }) return true;
            }
            else if (_types.IsCancellationToken(type) && IsRealToken(argument))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsInfinite(IOperation value) =>
        OperationWalker.Unwrap(value) is IFieldReferenceOperation { Field.Name: "InfiniteTimeSpan" } or IPropertyReferenceOperation { Property.Name: "InfiniteTimeSpan" };

    /// <summary>The token argument of a call, when the chosen overload has one.</summary>
    public IArgumentOperation? TokenArgument(IInvocationOperation invocation) =>
        invocation.Arguments.FirstOrDefault(a => _types.IsCancellationToken(a.Parameter?.Type));

    /// <summary>Whether a token argument can fire: not omitted, not <c>default</c>, not <c>None</c>, not from a source that never cancels.</summary>
    public bool IsRealToken(IArgumentOperation? argument)
    {
        if (argument is null || argument.ArgumentKind == ArgumentKind.DefaultValue) return false;
        return IsRealToken(argument.Value, 0);
    }

    private bool IsRealToken(IOperation value, int depth)
    {
        if (depth > 3) return true;
        value = OperationWalker.Unwrap(value);
        switch (value)
        {
            case IDefaultValueOperation:
                return false;
            case IPropertyReferenceOperation { Property.Name: "None" } none when _types.IsCancellationToken(none.Type):
                return false;
            case IObjectCreationOperation creation when _types.IsCancellationToken(creation.Type):
                return creation.Arguments.Any(a => a.Value.ConstantValue is not { HasValue: true, Value: false });
            case IPropertyReferenceOperation { Property.Name: "Token", Instance: ILocalReferenceOperation source }:
                return SourceCanFire(source.Local, depth);
            default:
                // Parameters, fields, properties: someone else set it up; assume it can fire.
                return true;
        }
    }

    /// <summary>A local CancellationTokenSource fires if it was made with a delay, linked to a real token, or cancelled explicitly.</summary>
    private bool SourceCanFire(ILocalSymbol source, int depth)
    {
        foreach (var reference in LocalReferences(source))
        {
            switch (OperationWalker.ParentSkippingConversions(reference, out _))
            {
                case IIsNullOperation or IBinaryOperation:
                    break;
                case ISimpleAssignmentOperation assignment when assignment.Target == reference:
                    switch (OperationWalker.Unwrap(assignment.Value))
                    {
                        case IObjectCreationOperation creation when creation.Arguments.Length > 0:
                            return true;
                        case IObjectCreationOperation:
                            break;
                        case IInvocationOperation { TargetMethod.Name: "CreateLinkedTokenSource" } linked:
                            if (linked.Arguments.Any(a => a.Value is IArrayCreationOperation array
                                ? array.Initializer?.ElementValues.Any(e => IsRealToken(e, depth + 1)) == true
                                : IsRealToken(a.Value, depth + 1)))
                            {
                                return true;
                            }

                            break;
                        default:
                            return true;
                    }

                    break;
                case IInvocationOperation { TargetMethod.Name: "CancelAfter" or "Cancel" or "CancelAsync" or "TryReset" }:
                    return true;
                case IPropertyReferenceOperation { Property.Name: "Token" }:
                case IInvocationOperation { TargetMethod.Name: "Dispose" }:
                    break;
                default:
                    // Handed to someone else, who may cancel it.
                    return true;
            }
        }

        return false;
    }
}
