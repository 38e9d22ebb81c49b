using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace TlsShutdown.Analyzers.Analysis;

/// <summary>What a same-compilation method does to a stream parameter, as seen at its call sites.</summary>
internal enum ParameterEffect
{
    /// <summary>Nothing the analysis follows: borrowed.</summary>
    None,

    /// <summary>Takes ownership of it: the caller no longer answers for its close (configured: ownership_transfer_methods).</summary>
    TakesOwnership,

    /// <summary>Disposes or closes it, without a shutdown.</summary>
    Closes,

    /// <summary>Calls ShutdownAsync on it.</summary>
    ShutsDown,

    /// <summary>Closes it gracefully: GracefulTlsClose, or BouncyCastle's own Close.</summary>
    ClosesGracefully,
}

/// <summary>A small, flow-insensitive summary of one method's body.</summary>
internal sealed class MethodSummary
{
    public static readonly MethodSummary Opaque = new(Array.Empty<ParameterEffect>(), TlsKind.None, false);

    public MethodSummary(ParameterEffect[] parameters, TlsKind returns, bool shutsDownThis)
    {
        Parameters = parameters;
        Returns = returns;
        ShutsDownThis = shutsDownThis;
    }

    /// <summary>Per parameter, in declaration order.</summary>
    public ParameterEffect[] Parameters { get; }

    /// <summary>The TLS stream kind it returns (directly or as a task's result) though its declared type may be Stream.</summary>
    public TlsKind Returns { get; }

    /// <summary>It shuts down or gracefully closes the instance it runs on (an override of Close/Dispose in a TLS stream subclass).</summary>
    public bool ShutsDownThis { get; }

    public ParameterEffect EffectOn(IParameterSymbol? parameter) =>
        parameter is not null && parameter.Ordinal < Parameters.Length ? Parameters[parameter.Ordinal] : ParameterEffect.None;
}

/// <summary>
/// Summaries of the compilation's own methods, so that a call to a helper is not opaque: a helper that
/// shuts down (or gracefully closes) its TLS-stream parameter counts as a shutdown at its call sites, one
/// that only disposes it as a close; a helper that returns a TLS stream typed as Stream returns a TLS stream.
/// Computed from the helper's operations on first use and cached per compilation; nested calls are followed
/// a few levels deep, and a recursive cycle is opaque.
/// </summary>
internal sealed class MethodSummaries
{
    private const int MaxDepth = 3;

    private readonly Compilation _compilation;
    private readonly TlsTypes _types;
    private readonly ConcurrentDictionary<IMethodSymbol, MethodSummary> _summaries = new(SymbolEqualityComparer.Default);
    private readonly ConcurrentDictionary<SyntaxTree, SemanticModel> _models = new();

    [ThreadStatic]
    private static HashSet<IMethodSymbol>? t_inProgress;

    private readonly Configuration.ConfiguredMethods? _configured;

    public MethodSummaries(Compilation compilation, TlsTypes types, Configuration.ConfiguredMethods? configured = null)
    {
        _compilation = compilation;
        _types = types;
        _configured = configured;
    }

    /// <summary>The summary of a method of this compilation with a body; <see cref="MethodSummary.Opaque"/> otherwise.</summary>
    public MethodSummary Of(IMethodSymbol? method)
    {
        if (method is null) return MethodSummary.Opaque;
        method = method.ReducedFrom ?? method;
        method = method.OriginalDefinition;
        if (_configured?.Summary(method) is { } configured) return configured;
        if (!SymbolEqualityComparer.Default.Equals(method.ContainingAssembly, _compilation.Assembly) || method.DeclaringSyntaxReferences.Length == 0)
        {
            return MethodSummary.Opaque;
        }

        if (_summaries.TryGetValue(method, out var known)) return known;
        var inProgress = t_inProgress ??= new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);
        if (inProgress.Count >= MaxDepth || !inProgress.Add(method)) return MethodSummary.Opaque;
        try
        {
            var summary = Guard.Run(() => Compute(method), MethodSummary.Opaque);
            return _summaries.GetOrAdd(method, summary);
        }
        finally
        {
            inProgress.Remove(method);
        }
    }

    private readonly ConcurrentDictionary<IMethodSymbol, bool[]> _owningConstructors = new(SymbolEqualityComparer.Default);

    /// <summary>
    /// Whether a constructor of this compilation keeps a stream parameter in a member that its type's
    /// Dispose/DisposeAsync/Close disposes (<c>class BufferedConn : Stream</c> over the TLS stream): the new
    /// object owns the stream, and closing it closes the stream. An instance method or setter that does the same
    /// (<c>channel.SetStream(ssl)</c>) hands the stream to the object it is called on.
    /// </summary>
    public bool OwnsParameter(IMethodSymbol constructor, IParameterSymbol? parameter)
    {
        if (parameter is null || constructor.IsStatic || constructor.MethodKind is not (MethodKind.Constructor or MethodKind.Ordinary or MethodKind.PropertySet)
            || !_types.CanHoldTls(parameter.Type)
            || !SymbolEqualityComparer.Default.Equals(constructor.ContainingAssembly, _compilation.Assembly) || constructor.DeclaringSyntaxReferences.Length == 0)
        {
            return false;
        }

        var owned = _owningConstructors.GetOrAdd(constructor.OriginalDefinition, c => Guard.Run(() => ComputeOwned(c), Array.Empty<bool>()));
        return parameter.Ordinal < owned.Length && owned[parameter.Ordinal];
    }

    private bool[] ComputeOwned(IMethodSymbol constructor)
    {
        var owned = new bool[constructor.Parameters.Length];
        var stored = new Dictionary<ISymbol, int>(SymbolEqualityComparer.Default);
        foreach (var op in OperationsOf(constructor))
        {
            if (op is ISimpleAssignmentOperation assignment && Members.OfThis(OperationWalker.Unwrap(assignment.Target)) is { } member
                && OperationWalker.Unwrap(assignment.Value) is IParameterReferenceOperation parameter
                && SymbolEqualityComparer.Default.Equals(parameter.Parameter.ContainingSymbol, constructor))
            {
                stored[member] = parameter.Parameter.Ordinal;
            }
        }

        if (stored.Count == 0) return owned;
        foreach (var member in constructor.ContainingType.GetMembers())
        {
            if (member is not IMethodSymbol { Name: "Dispose" or "DisposeAsync" or "Close" } disposer) continue;
            foreach (var op in OperationsOf(disposer))
            {
                if (op is IInvocationOperation { TargetMethod.Name: "Dispose" or "DisposeAsync" or "Close", Instance: { } instance }
                    && MemberOf(instance) is { } closed && stored.TryGetValue(closed, out var ordinal))
                {
                    owned[ordinal] = true;
                }
            }
        }

        return owned;
    }

    /// <summary>The member of this instance a receiver names, through <c>?.</c> and casts.</summary>
    private static ISymbol? MemberOf(IOperation value)
    {
        value = OperationWalker.Unwrap(value);
        if (value is IConditionalAccessInstanceOperation)
        {
            for (var parent = value.Parent; parent is not null; parent = parent.Parent)
            {
                if (parent is IConditionalAccessOperation access)
                {
                    value = OperationWalker.Unwrap(access.Operation);
                    break;
                }
            }
        }

        return Members.OfThis(value);
    }

    private List<IOperation> OperationsOf(IMethodSymbol method)
    {
        var operations = new List<IOperation>();
        foreach (var reference in method.DeclaringSyntaxReferences)
        {
            var syntax = reference.GetSyntax();
            if (ModelOf(syntax.SyntaxTree).GetOperation(syntax) is { } body) OperationWalker.PostOrder(body, operations.Add);
        }

        return operations;
    }

    /// <summary>
    /// A helper's body is in another member (often another file): its operations need that tree's model.
    /// Only members a tracked stream reaches get here, each once per compilation.
    /// </summary>
    private SemanticModel ModelOf(SyntaxTree tree) => _models.GetOrAdd(tree, t =>
    {
#pragma warning disable RS1030 // Do not invoke Compilation.GetSemanticModel() method within a diagnostic analyzer
        return _compilation.GetSemanticModel(t);
#pragma warning restore RS1030
    });

    private readonly ConcurrentDictionary<INamedTypeSymbol, ForeignTypeFacts> _typeFacts = new(SymbolEqualityComparer.Default);

    /// <summary>
    /// What another type of this compilation says about its members, for code that reaches them through an
    /// object of that type (<c>client.Stream</c>, <c>channel.Socket</c>): which hold a TLS stream (TLS-typed, or
    /// assigned one somewhere in the type), which are transports beside it, and whether the type shuts it down.
    /// </summary>
    public ForeignTypeFacts FactsOf(INamedTypeSymbol? type)
    {
        if (type is null || !SymbolEqualityComparer.Default.Equals(type.ContainingAssembly, _compilation.Assembly)) return ForeignTypeFacts.None;
        return _typeFacts.GetOrAdd(type.OriginalDefinition, t => Guard.Run(() => ComputeFacts(t), ForeignTypeFacts.None));
    }

    private ForeignTypeFacts ComputeFacts(INamedTypeSymbol type)
    {
        var roles = new Dictionary<ISymbol, Role>(SymbolEqualityComparer.Default);
        var kind = TlsKind.None;
        bool shutsDown = false;
        foreach (var member in type.GetMembers())
        {
            var memberType = TlsTypes.TypeOf(member);
            if (member is IFieldSymbol { IsImplicitlyDeclared: false } || (member is IPropertySymbol property && Members.IsAutoProperty(property)))
            {
                if (_types.KindOf(memberType) is var k && k != TlsKind.None)
                {
                    roles[member] = Role.Tls;
                    kind = k;
                }
            }
        }

        foreach (var reference in type.DeclaringSyntaxReferences)
        {
            var syntax = reference.GetSyntax();
            var model = ModelOf(syntax.SyntaxTree);
            foreach (var node in syntax.DescendantNodes())
            {
                // Assignments and calls whose target or receiver is a member of this very type.
                if (node is not (Microsoft.CodeAnalysis.CSharp.Syntax.AssignmentExpressionSyntax or Microsoft.CodeAnalysis.CSharp.Syntax.InvocationExpressionSyntax)) continue;
                switch (model.GetOperation(node))
                {
                    case ISimpleAssignmentOperation assignment when Members.OfThis(OperationWalker.Unwrap(assignment.Target)) is { } target
                        && KindOfValue(assignment.Value) is var assigned && assigned != TlsKind.None:
                        roles[target] = Role.Tls;
                        kind = assigned;
                        break;
                    case IInvocationOperation invocation when IsShutdownOfMember(invocation):
                        shutsDown = true;
                        break;
                }
            }
        }

        if (kind == TlsKind.None) return ForeignTypeFacts.None;
        foreach (var member in type.GetMembers())
        {
            if (!roles.ContainsKey(member) && _types.IsTransport(TlsTypes.TypeOf(member))
                && (member is IFieldSymbol { IsImplicitlyDeclared: false } || (member is IPropertySymbol property && Members.IsAutoProperty(property))))
            {
                roles[member] = Role.Transport;
            }
        }

        return new ForeignTypeFacts(roles, kind, shutsDown);
    }

    private bool IsShutdownOfMember(IInvocationOperation invocation)
    {
        if (TlsTypes.Is(invocation.TargetMethod.ContainingType, _types.GracefulTlsClose))
        {
            return invocation.Arguments.Length > 0 && Members.OfThis(OperationWalker.Unwrap(invocation.Arguments[0].Value)) is not null;
        }

        return invocation.TargetMethod.Name == "ShutdownAsync" && invocation.Instance is { } instance && Members.OfThis(OperationWalker.Unwrap(instance)) is not null;
    }

    /// <summary>Whether a TLS stream type's own Close/Dispose/DisposeAsync override sends close_notify (a subclass that shuts itself down).</summary>
    public bool ClosesGracefully(ITypeSymbol? type)
    {
        if (type is null || !_types.IsTls(type)) return false;
        for (var current = type; current is not null && current.Locations.Any(l => l.IsInSource); current = current.BaseType)
        {
            foreach (var member in current.GetMembers())
            {
                if (member is IMethodSymbol { IsOverride: true, Name: "Close" or "Dispose" or "DisposeAsync" } method && Of(method).ShutsDownThis) return true;
            }
        }

        return false;
    }

    private MethodSummary Compute(IMethodSymbol method)
    {
        var operations = new List<IOperation>();
        foreach (var reference in method.DeclaringSyntaxReferences)
        {
            var syntax = reference.GetSyntax();
            if (ModelOf(syntax.SyntaxTree).GetOperation(syntax) is { } body) OperationWalker.PostOrder(body, operations.Add);
        }

        var effects = new ParameterEffect[method.Parameters.Length];
        var aliases = new Dictionary<ILocalSymbol, IParameterSymbol>(SymbolEqualityComparer.Default);
        var returnedLocals = new HashSet<ILocalSymbol>(SymbolEqualityComparer.Default);
        var tlsLocals = new Dictionary<ILocalSymbol, TlsKind>(SymbolEqualityComparer.Default);
        var returns = TlsKind.None;
        bool shutsDownThis = false;

        foreach (var op in operations)
        {
            switch (op)
            {
                case IInvocationOperation invocation:
                    Apply(method, invocation, effects, aliases, ref shutsDownThis, closeCounts: !OnErrorPathOrDeferred(invocation));
                    break;
                case IIsPatternOperation { Pattern: IDeclarationPatternOperation { DeclaredSymbol: ILocalSymbol declared } } pattern
                    when Target(pattern.Value, aliases) is IParameterSymbol tested:
                    aliases[declared] = tested;
                    break;
                case ISimpleAssignmentOperation { Target: ILocalReferenceOperation local } assignment:
                    Track(local.Local, assignment.Value);
                    break;
                case IVariableDeclaratorOperation { Initializer: { } initializer } declarator:
                    Track(declarator.Symbol, initializer.Value);
                    break;
                case IReturnOperation { ReturnedValue: { } returned }:
                    var value = OperationWalker.Unwrap(returned);
                    if (value is ILocalReferenceOperation returnedLocal) returnedLocals.Add(returnedLocal.Local);
                    else if (KindOfValue(value) is var direct && direct != TlsKind.None) returns = direct;
                    break;
            }
        }

        foreach (var local in returnedLocals)
        {
            if (tlsLocals.TryGetValue(local, out var kind)) returns = kind;
        }

        return new MethodSummary(effects, returns, shutsDownThis);

        // A local that holds a TLS stream, or stands for a parameter (var ssl = stream as SslStream).
        void Track(ILocalSymbol local, IOperation value)
        {
            if (KindOfValue(value) is var kind && kind != TlsKind.None) tlsLocals[local] = kind;
            if (Target(value, aliases) is IParameterSymbol parameter) aliases[local] = parameter;
        }
    }

    /// <summary>The TLS kind of a value: its type, or what a summarized call (or the await of one) returns.</summary>
    private TlsKind KindOfValue(IOperation value)
    {
        value = OperationWalker.Unwrap(value);
        var kind = _types.KindOf(value.Type);
        if (kind != TlsKind.None) return kind;
        if (value is IAwaitOperation awaited) value = OperationWalker.Unwrap(awaited.Operation);
        if (value is IInvocationOperation call) return Of(call.TargetMethod).Returns;
        return TlsKind.None;
    }

    private void Apply(IMethodSymbol owner, IInvocationOperation invocation, ParameterEffect[] effects, Dictionary<ILocalSymbol, IParameterSymbol> aliases, ref bool shutsDownThis, bool closeCounts)
    {
        var method = invocation.TargetMethod;
        if (TlsTypes.Is(method.ContainingType, _types.GracefulTlsClose))
        {
            if (invocation.Arguments.Length > 0) Mark(owner, invocation.Arguments[0].Value, ParameterEffect.ClosesGracefully, effects, aliases, ref shutsDownThis);
            return;
        }

        var receiver = invocation.Instance;
        if (method.Name == "ShutdownAsync" && receiver is not null)
        {
            Mark(owner, receiver, ParameterEffect.ShutsDown, effects, aliases, ref shutsDownThis);
        }
        else if (method.Name == "Close" && receiver is not null && _types.KindOf(receiver.Type) == TlsKind.BouncyCastle)
        {
            Mark(owner, receiver, ParameterEffect.ClosesGracefully, effects, aliases, ref shutsDownThis);
        }
        else if (method.Name is "Dispose" or "DisposeAsync" or "Close" && receiver is not null && invocation.Arguments.Length == 0 && closeCounts)
        {
            Mark(owner, receiver, ParameterEffect.Closes, effects, aliases, ref shutsDownThis);
        }

        // A helper of a helper: what it does to its parameter, it does to what is passed on.
        bool passesStreams = invocation.Arguments.Any(a => Target(a.Value, aliases) is not null);
        if (receiver is IInstanceReferenceOperation && method.Name is not ("Dispose" or "DisposeAsync" or "Close") && Of(method).ShutsDownThis)
        {
            shutsDownThis = true;
        }

        if (!passesStreams) return;
        var callee = Of(method);
        foreach (var argument in invocation.Arguments)
        {
            var effect = callee.EffectOn(argument.Parameter);
            if (effect != ParameterEffect.None && (effect != ParameterEffect.Closes || closeCounts)) Mark(owner, argument.Value, effect, effects, aliases, ref shutsDownThis);
        }
    }

    /// <summary>
    /// A close in a catch block, or in a lambda or local function (a timeout or cancellation callback), is not what
    /// the helper does to its parameter on its normal path: <c>try { … } catch { stream.Dispose(); throw; }</c> and
    /// <c>new Timer(_ => stream.Close(), …)</c> keep the stream when all goes well (corpus F7). A shutdown there still
    /// counts (<c>Task.Run(() => base.ShutdownAsync()).Wait()</c> in a Close override is its graceful close).
    /// </summary>
    private static bool OnErrorPathOrDeferred(IOperation operation)
    {
        for (var current = operation.Parent; current is not null; current = current.Parent)
        {
            if (current is ICatchClauseOperation or IAnonymousFunctionOperation or ILocalFunctionOperation) return true;
        }

        return false;
    }

    /// <summary>Records an effect on the parameter (or on this) a value refers to; the strongest effect wins.</summary>
    private static void Mark(IMethodSymbol owner, IOperation value, ParameterEffect effect, ParameterEffect[] effects, Dictionary<ILocalSymbol, IParameterSymbol> aliases, ref bool shutsDownThis)
    {
        switch (Target(value, aliases))
        {
            case IParameterSymbol parameter when parameter.Ordinal < effects.Length && SymbolEqualityComparer.Default.Equals(parameter.ContainingSymbol, owner):
                if (effect > effects[parameter.Ordinal]) effects[parameter.Ordinal] = effect;
                break;
            case ITypeSymbol when effect >= ParameterEffect.ShutsDown:
                shutsDownThis = true;
                break;
        }
    }

    /// <summary>The parameter a value refers to (through casts and ?.), or the containing type for <c>this</c>.</summary>
    private static ISymbol? Target(IOperation value, Dictionary<ILocalSymbol, IParameterSymbol> aliases)
    {
        value = OperationWalker.Unwrap(value);
        if (value is IConditionalAccessInstanceOperation)
        {
            for (var parent = value.Parent; parent is not null; parent = parent.Parent)
            {
                if (parent is IConditionalAccessOperation access)
                {
                    value = OperationWalker.Unwrap(access.Operation);
                    break;
                }
            }
        }

        return value switch
        {
            IParameterReferenceOperation parameter => parameter.Parameter,
            ILocalReferenceOperation local when aliases.TryGetValue(local.Local, out var aliased) => aliased,
            IInstanceReferenceOperation instance => instance.Type,
            _ => null,
        };
    }
}

/// <summary>Another type's members as code outside it sees them (<see cref="MethodSummaries.FactsOf"/>).</summary>
internal sealed class ForeignTypeFacts
{
    public static readonly ForeignTypeFacts None = new(new Dictionary<ISymbol, Role>(SymbolEqualityComparer.Default), TlsKind.None, false);

    public ForeignTypeFacts(Dictionary<ISymbol, Role> roles, TlsKind kind, bool shutsDown)
    {
        Roles = roles;
        Kind = kind;
        ShutsDown = shutsDown;
    }

    /// <summary>Members holding the TLS stream (<see cref="Role.Tls"/>) or a transport beside it.</summary>
    public Dictionary<ISymbol, Role> Roles { get; }

    public TlsKind Kind { get; }

    /// <summary>The type shuts the stream down in one of its own methods: outside closes are its dispose path.</summary>
    public bool ShutsDown { get; }
}
