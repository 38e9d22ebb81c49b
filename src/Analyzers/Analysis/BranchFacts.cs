using System;
using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace TlsShutdown.Analyzers.Analysis;

/// <summary>
/// What a conditional branch says about the connections on the path that takes it. On the branch where a
/// tracked value is null there is nothing to close. On the branch where a handshake failed or timed out
/// (<c>!ssl.IsAuthenticated</c>, <c>auth.IsFaulted</c>, <c>!auth.IsCompleted</c>, <c>await Task.WhenAny(auth, delay) != auth</c>,
/// <c>!auth.Wait(timeout)</c>) the path is error handling: a close there is not a close of a live connection.
/// </summary>
internal static class BranchFacts
{
    /// <summary>The state for the path that follows <paramref name="branch"/> out of <paramref name="block"/>.</summary>
    public static FlowState Narrow(BasicBlock block, ControlFlowBranch branch, FlowState state, Func<IOperation?, Binding?> track, ConnectionModel model)
    {
        if (block.ConditionKind == ControlFlowConditionKind.None || block.BranchValue is null) return state;
        bool conditionIs = ReferenceEquals(branch, block.ConditionalSuccessor)
            ? block.ConditionKind == ControlFlowConditionKind.WhenTrue
            : block.ConditionKind == ControlFlowConditionKind.WhenFalse;

        if (NullTest(block.BranchValue, out var tested) is { } nullWhen && nullWhen == conditionIs && track(tested) is { } binding && binding.Role == Role.Tls)
        {
            var narrowed = state.Clone();
            narrowed.Clear(binding.Connection, FlowState.Pending);
            return narrowed;
        }

        if (FailureTest(block.BranchValue, model, 0) is { } failedWhen && failedWhen == conditionIs)
        {
            var failed = state.Clone();
            for (int i = 0; i < failed.May.Length; i++)
            {
                failed.Set(i, FlowState.Error);
                failed.Clear(i, FlowState.Pending);
            }

            return failed;
        }

        return state;
    }

    /// <summary>True when the condition being true means the value is null, false when its being false does.</summary>
    private static bool? NullTest(IOperation condition, out IOperation? tested)
    {
        tested = null;
        condition = OperationWalker.Unwrap(condition);
        switch (condition)
        {
            case IIsNullOperation isNull:
                tested = isNull.Operand;
                return true;
            case IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } not:
                return NullTest(not.Operand, out tested) is { } inner ? !inner : null;
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals } binary:
                bool equals = binary.OperatorKind == BinaryOperatorKind.Equals;
                if (IsNull(binary.RightOperand)) tested = binary.LeftOperand;
                else if (IsNull(binary.LeftOperand)) tested = binary.RightOperand;
                else return null;
                return equals;
            case IIsPatternOperation { Pattern: IConstantPatternOperation constant } pattern when IsNull(constant.Value):
                tested = pattern.Value;
                return true;
            case IIsPatternOperation { Pattern: INegatedPatternOperation { Pattern: IConstantPatternOperation constant } } pattern when IsNull(constant.Value):
                tested = pattern.Value;
                return false;
            default:
                return null;
        }
    }

    private static bool IsNull(IOperation operation) =>
        OperationWalker.Unwrap(operation).ConstantValue is { HasValue: true, Value: null };

    /// <summary>True when the condition being true means a handshake failed or timed out, false when its being false does.</summary>
    private static bool? FailureTest(IOperation condition, ConnectionModel model, int depth)
    {
        if (depth > 3) return null;
        condition = OperationWalker.Unwrap(condition);
        switch (condition)
        {
            case IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } not:
                return FailureTest(not.Operand, model, depth + 1) is { } inner ? !inner : null;
            case IPropertyReferenceOperation { Property.Name: "IsAuthenticated" } authenticated when model.Types.IsTls(authenticated.Instance?.Type):
                return false;
            case IPropertyReferenceOperation { Property.Name: "IsFaulted" or "IsCanceled" } task when model.Types.IsTask(task.Instance?.Type):
                return true;
            case IPropertyReferenceOperation { Property.Name: "IsCompletedSuccessfully" or "IsCompleted" } task when model.Types.IsTask(task.Instance?.Type):
                // Not completed (after racing it against a delay): timed out.
                return false;
            case IInvocationOperation { TargetMethod.Name: "Wait", Arguments.Length: > 0 } wait
                when wait.Type?.SpecialType == SpecialType.System_Boolean && model.Types.IsTask(wait.Instance?.Type):
                return false;
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals } binary:
                bool equals = binary.OperatorKind == BinaryOperatorKind.Equals;
                if (binary.RightOperand.ConstantValue is { HasValue: true, Value: bool right })
                {
                    return FailureTest(binary.LeftOperand, model, depth + 1) is { } left ? left == (right == equals) : null;
                }

                // The winner of Task.WhenAny compared with one of the tasks it raced.
                if (!model.Types.IsTask(OperationWalker.Unwrap(binary.LeftOperand).Type) || !model.Types.IsTask(OperationWalker.Unwrap(binary.RightOperand).Type)) return null;
                IOperation? other = IsWhenAnyResult(binary.LeftOperand, model) ? binary.RightOperand
                    : IsWhenAnyResult(binary.RightOperand, model) ? binary.LeftOperand
                    : null;
                if (other is null) return null;
                bool otherIsDelay = IsDelay(other, model);
                // winner == delay: timed out when true; winner != auth: timed out when true.
                return otherIsDelay ? equals : !equals;
            default:
                return null;
        }
    }

    private static bool IsWhenAnyResult(IOperation operation, ConnectionModel model)
    {
        var value = ValueOf(operation, model);
        if (value is IAwaitOperation awaited) value = OperationWalker.Unwrap(awaited.Operation);
        return value is IInvocationOperation { TargetMethod.Name: "WhenAny" };
    }

    private static bool IsDelay(IOperation operation, ConnectionModel model) =>
        ValueOf(operation, model) is IInvocationOperation { TargetMethod.Name: "Delay" };

    /// <summary>The value itself, or what a local was last assigned (the graph's assignments, in order).</summary>
    private static IOperation ValueOf(IOperation operation, ConnectionModel model)
    {
        operation = OperationWalker.Unwrap(operation);
        if (operation is not ILocalReferenceOperation local) return operation;
        IOperation? assigned = null;
        foreach (var op in model.Operations)
        {
            if (op is ISimpleAssignmentOperation { Target: ILocalReferenceOperation target } assignment
                && SymbolEqualityComparer.Default.Equals(target.Local, local.Local))
            {
                assigned = assignment.Value;
            }
        }

        return assigned is null ? operation : OperationWalker.Unwrap(assigned);
    }
}
