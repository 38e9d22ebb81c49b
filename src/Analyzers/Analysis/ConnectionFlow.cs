using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace TlsShutdown.Analyzers.Analysis;

/// <summary>
/// The flow-sensitive half: a worklist over the control-flow graph tracking each connection's state
/// (authenticated, shut down, closed, escaped...). Only normal paths count: catch blocks start in the
/// Error state, and a finally block is entered only from the branches that leave its try normally, so
/// a using's disposal after a failed handshake is never reported. A last pass over the fixed point
/// records the <see cref="Site"/>s (closes, handshakes, reads...) with the state before each; the rules decide.
/// </summary>
internal sealed class ConnectionFlow
{
    private static readonly HashSet<string> StoringMethods = new()
    {
        "Add", "TryAdd", "AddOrUpdate", "GetOrAdd", "Enqueue", "TryEnqueue", "Push", "Insert", "Set", "SetResult",
        "TrySetResult", "Register", "Attach", "Adopt", "Store", "Track", "Post", "SendAsync", "TryWrite", "WriteAsync",
    };

    private readonly ConnectionModel _model;
    private readonly TaskUse _tasks;
    private readonly TlsTypes _types;
    private readonly List<Site> _sites;
    private readonly ClassFacts _facts;
    private readonly List<HelperCall>? _helperCalls;
    private readonly int _count;
    private bool _failureHandler;
    private BasicBlock? _block;

    private ConnectionFlow(ConnectionModel model, ClassFacts facts, List<Site> sites, List<HelperCall>? helperCalls)
    {
        _model = model;
        _types = model.Types;
        _tasks = new TaskUse(model.Types, model.Operations);
        _facts = facts;
        _sites = sites;
        _helperCalls = helperCalls;
        _count = model.ConnectionCount;
    }

    /// <summary>
    /// Analyzes a graph and, recursively, its lambdas and local functions. A graph that runs only when
    /// something failed (<paramref name="failureHandler"/>) starts as error handling; the field groups in
    /// <paramref name="notLiveGroups"/> start not live (every caller of this private helper ended them first).
    /// Calls to the class's private helpers are recorded in <paramref name="helperCalls"/>.
    /// </summary>
    public static void Analyze(
        ConnectionModel model, ClassFacts facts, List<Site> sites, List<HelperCall>? helperCalls = null, bool failureHandler = false, ISet<int>? notLiveGroups = null)
    {
        new ConnectionFlow(model, facts, sites, helperCalls).Run(failureHandler, notLiveGroups);
        foreach (var nested in model.NestedGraphs)
        {
            Analyze(ConnectionModel.Build(nested.Graph, model.Types, model.Summaries, facts, model), facts, sites, helperCalls, failureHandler || nested.FailureCallback);
        }
    }

    private void Run(bool failureHandler, ISet<int>? notLiveGroups)
    {
        _failureHandler = failureHandler;
        var blocks = _model.Graph.Blocks;
        var input = new FlowState?[blocks.Length];
        var queue = new Queue<int>();
        var queued = new bool[blocks.Length];
        var continuations = new Dictionary<ControlFlowRegion, HashSet<(ControlFlowBranch Branch, int Index)>>();
        int count = _model.ConnectionCount;

        // A connection this method creates (or stores into its field) is not live before that; one it was given is.
        input[0] = failureHandler
            ? FlowState.Uniform(count, _ => FlowState.Error | FlowState.Authenticated)
            : FlowState.Uniform(count, i => _model.GetConnection(i) is { Origin: not Origin.Created, EstablishedHere: false } connection
                && (notLiveGroups is null || !notLiveGroups.Contains(connection.FieldGroup))
                ? (ushort)(FlowState.Authenticated | FlowState.Pending)
                : (ushort)0);
        Enqueue(0);
        foreach (var region in Regions(_model.Graph.Root))
        {
            if (region.Kind is ControlFlowRegionKind.Catch or ControlFlowRegionKind.FilterAndHandler or ControlFlowRegionKind.Filter)
            {
                input[region.FirstBlockOrdinal] = FlowState.Uniform(count, _ => FlowState.Error | FlowState.Authenticated);
                Enqueue(region.FirstBlockOrdinal);
            }
        }

        // Each block is revisited only when its input grows; the cap is a guard, never reached in practice.
        int budget = blocks.Length * 32 + 64;
        while (queue.Count > 0 && budget-- > 0)
        {
            int ordinal = queue.Dequeue();
            queued[ordinal] = false;
            var block = blocks[ordinal];
            var state = input[ordinal]!.Clone();
            Transfer(state, block, report: false);
            Follow(block, block.FallThroughSuccessor, state);
            Follow(block, block.ConditionalSuccessor, state);
        }

        for (int i = 0; i < blocks.Length; i++)
        {
            if (input[i] is { } state) Transfer(state.Clone(), blocks[i], report: true);
        }

        void Enqueue(int ordinal)
        {
            if (queued[ordinal]) return;
            queued[ordinal] = true;
            queue.Enqueue(ordinal);
        }

        void Propagate(int ordinal, FlowState state)
        {
            if (input[ordinal] is null)
            {
                input[ordinal] = state.Clone();
                Enqueue(ordinal);
            }
            else if (input[ordinal]!.JoinWith(state))
            {
                Enqueue(ordinal);
            }
        }

        void Follow(BasicBlock block, ControlFlowBranch? branch, FlowState state)
        {
            if (branch is null) return;
            state = BranchFacts.Narrow(block, branch, state, Track, _model);
            if (branch.FinallyRegions.Length > 0)
            {
                AddContinuation(branch.FinallyRegions[0], branch, 0);
                Propagate(branch.FinallyRegions[0].FirstBlockOrdinal, state);
            }
            else if (branch.Destination is not null)
            {
                Propagate(branch.Destination.Ordinal, state);
            }

            // The end of a finally block: continue wherever the branches that entered it were going.
            if (branch.Semantics == ControlFlowBranchSemantics.StructuredExceptionHandling
                && FinallyEndingAt(block) is { } finallyRegion
                && continuations.TryGetValue(finallyRegion, out var pending))
            {
                foreach (var (entering, index) in pending.ToList())
                {
                    if (index + 1 < entering.FinallyRegions.Length)
                    {
                        AddContinuation(entering.FinallyRegions[index + 1], entering, index + 1);
                        Propagate(entering.FinallyRegions[index + 1].FirstBlockOrdinal, state);
                    }
                    else if (entering.Destination is not null)
                    {
                        Propagate(entering.Destination.Ordinal, state);
                    }
                }
            }
        }

        void AddContinuation(ControlFlowRegion region, ControlFlowBranch branch, int index)
        {
            if (!continuations.TryGetValue(region, out var set)) continuations[region] = set = new HashSet<(ControlFlowBranch, int)>();
            if (set.Add((branch, index)) && input[region.LastBlockOrdinal] is not null) Enqueue(region.LastBlockOrdinal);
        }
    }

    private static IEnumerable<ControlFlowRegion> Regions(ControlFlowRegion region)
    {
        yield return region;
        foreach (var nested in region.NestedRegions)
        {
            foreach (var r in Regions(nested)) yield return r;
        }
    }

    private static ControlFlowRegion? FinallyEndingAt(BasicBlock block)
    {
        for (var region = block.EnclosingRegion; region is not null; region = region.EnclosingRegion)
        {
            if (region.Kind == ControlFlowRegionKind.Finally && region.LastBlockOrdinal == block.Ordinal) return region;
        }

        return null;
    }

    /// <summary>The connection is in use: authenticated, and live unless some path already ended it.</summary>
    private static void Live(FlowState state, int id)
    {
        if (!state.MayHave(id, FlowState.Ending)) state.Set(id, FlowState.Pending);
        state.Set(id, FlowState.Authenticated);
    }

    /// <summary>Shut down, closed, given away or aborted: no longer live on this path.</summary>
    private static void End(FlowState state, int id, ushort flags)
    {
        state.Set(id, flags);
        state.Clear(id, FlowState.Pending);
    }

    /// <summary>Resolves a value to a connection known when the flow pass started (the model creates none later, but be safe).</summary>
    private Binding? Track(IOperation? operation) =>
        _model.Resolve(operation) is { } binding && binding.Connection < _count ? binding : null;

    private void Transfer(FlowState state, BasicBlock block, bool report)
    {
        _block = block;
        foreach (var op in block.Operations)
        {
            OperationWalker.PostOrder(op, o => Apply(o, state, report));
        }

        OperationWalker.PostOrder(block.BranchValue, o => Apply(o, state, report));
        if (block.BranchValue is not null && block.FallThroughSuccessor?.Semantics == ControlFlowBranchSemantics.Return)
        {
            Escape(state, block.BranchValue);
        }
    }

    private void Apply(IOperation op, FlowState state, bool report)
    {
        switch (op)
        {
            case IObjectCreationOperation creation:
                ApplyCreation(creation, state);
                break;
            case IInvocationOperation invocation:
                ApplyInvocation(invocation, state, report);
                ApplyReceived(invocation, state);
                break;
            case IAwaitOperation awaited:
                ApplyReceived(awaited, state);
                break;
            case ISimpleAssignmentOperation assignment:
                ApplyAssignment(assignment, state);
                break;
            case IReturnOperation { ReturnedValue: { } returned }:
                Escape(state, returned);
                break;
        }
    }

    private void ApplyCreation(IObjectCreationOperation creation, FlowState state)
    {
        var self = Track(creation);
        if (self is { Role: Role.Tls })
        {
            // A new connection (each loop iteration makes a fresh one).
            state.Reset(self.Value.Connection);
            return;
        }

        if (self is not null || _types.IsTransport(creation.Type) || ConnectionModel.LeavesOpen(creation)) return;

        // Handed to a constructor that keeps it: the new object owns the connection now (and, when the options
        // say the constructor takes ownership, this method no longer answers for its close).
        var constructor = _model.Summaries.Of(creation.Constructor);
        foreach (var argument in creation.Arguments)
        {
            if (Track(argument.Value) is not { Role: not Role.Transport } passed) continue;
            if (constructor.EffectOn(argument.Parameter) == ParameterEffect.TakesOwnership) End(state, passed.Connection, FlowState.Escaped);
            else state.Set(passed.Connection, FlowState.PassedOn);
        }
    }

    /// <summary>A TLS stream returned by a call is a fresh live connection.</summary>
    private void ApplyReceived(IOperation call, FlowState state)
    {
        if (_model.IsReceivedAt(call, out var id) && id < _count)
        {
            state.Reset(id);
            Live(state, id);
        }
    }

    private void ApplyAssignment(ISimpleAssignmentOperation assignment, FlowState state)
    {
        if (assignment.Target is IPropertyReferenceOperation { Property.Name: "LingerState" } linger && ConnectionModel.IsZeroLinger(assignment.Value, _types))
        {
            if (Track(linger.Instance) is { } abortive) End(state, abortive.Connection, FlowState.Abortive);
            return;
        }

        // _tcp = new TcpClient(), _socket = accepted: a new transport in the member; no TLS runs over it until this
        // method sets one up, so closes after this point (a connect timeout, a retry) are not TLS closes.
        if (Members.IsMember(_model.TargetKeyOf(assignment.Target)) && Track(assignment.Target) is { Role: Role.Transport } transport
            && OperationWalker.Unwrap(assignment.Value).ConstantValue is not { HasValue: true, Value: null })
        {
            state.Reset(transport.Connection);
        }

        // peer = next: another object, another connection (foreach over connections, say).
        if (_model.TryGetObjectConnection(_model.TargetKeyOf(assignment.Target), out var objectConnection) && objectConnection < _count)
        {
            state.Reset(objectConnection);
            Live(state, objectConnection);
        }

        // _stream = ssl: a local's stream moved into a field belongs to the class now (its other methods close it).
        if (Members.IsMember(_model.TargetKeyOf(assignment.Target))
            && OperationWalker.Unwrap(assignment.Value) is ILocalReferenceOperation or IParameterReferenceOperation or IFlowCaptureReferenceOperation)
        {
            if (Track(assignment.Value) is { Role: not Role.Transport } moved) End(state, moved.Connection, FlowState.Escaped);
            return;
        }

        if (_model.TargetKeyOf(assignment.Target) is null or MemberPath && assignment.Target is not IDiscardOperation)
        {
            // Stored in a property, an array, another object: not ours to close any more.
            if (Track(assignment.Value) is { Role: not Role.Transport } stored) End(state, stored.Connection, FlowState.Escaped);
        }
    }

    private void Escape(FlowState state, IOperation value)
    {
        if (Track(value) is { } escaped) End(state, escaped.Connection, FlowState.Escaped);
    }

    private void ApplyInvocation(IInvocationOperation invocation, FlowState state, bool report)
    {
        var method = invocation.TargetMethod;
        var name = method.Name;
        if (TlsTypes.Is(method.ContainingType, _types.GracefulTlsClose))
        {
            if (invocation.Arguments.Length > 0 && Track(invocation.Arguments[0].Value) is { } graceful)
            {
                End(state, graceful.Connection, FlowState.Graceful | FlowState.Closed);
            }

            return;
        }

        var receiver = invocation.Instance;
        int first = 0;
        if (receiver is null && method.IsExtensionMethod && invocation.Arguments.Length > 0)
        {
            receiver = invocation.Arguments[0].Value;
            first = 1;
        }

        if (_facts.HelperEffects.TryGetValue(method, out var helperEffects) && invocation.Instance is null or IInstanceReferenceOperation)
        {
            ApplyHelperCall(method, helperEffects, state, report);
        }

        MethodSummary? summary = null;
        for (int i = 0; i < invocation.Arguments.Length; i++)
        {
            var argument = invocation.Arguments[i];
            if (Track(argument.Value) is not { } passed) continue;

            // Summarized only when a tracked stream is handed over: most calls never need it.
            summary ??= _model.Summaries.Of(method);
            if (ApplyHelperEffect(invocation, summary.EffectOn(argument.Parameter), argument.Parameter!, passed, state, report)) continue;
            if (i < first) continue;
            if (argument.Parameter?.RefKind is RefKind.Ref or RefKind.Out || StoringMethods.Contains(name))
            {
                End(state, passed.Connection, FlowState.Escaped);
            }
            else if (passed.Role != Role.Transport)
            {
                // Borrowed by a helper, which may well authenticate it.
                Live(state, passed.Connection);
            }
        }

        var tracked = Track(receiver);
        if (report) RecordCallShape(invocation, receiver, tracked, state);
        if (tracked is null && report && name is "ReadToEnd" or "ReadToEndAsync"
            && Track(BorrowingReader.StreamUnder(receiver, _types, _model.Operations)) is { Role: Role.Tls } borrowed)
        {
            Record(SiteKind.ReadToEnd, invocation, _model.GetConnection(borrowed.Connection), Role.Owner, state);
        }

        if (tracked is not { } binding) return;

        var connection = _model.GetConnection(binding.Connection);
        int id = connection.Id;
        switch (binding.Role)
        {
            case Role.Tls:
                if (IsHandshake(name, connection.Kind))
                {
                    Live(state, id);
                }
                else if (name == "ShutdownAsync")
                {
                    End(state, id, FlowState.Shutdown | FlowState.Authenticated);
                }
                else if (name is "Dispose" or "DisposeAsync" or "Close")
                {
                    Close(invocation, connection, binding.Role, state, report);
                }
                else if (name is "CopyTo" or "CopyToAsync")
                {
                    if (report) Record(SiteKind.ReadToEnd, invocation, connection, binding.Role, state);
                }
                else if (IsRead(name))
                {
                    if (report) Record(SiteKind.Read, invocation, connection, binding.Role, state);
                    Live(state, id);
                }
                else if (IsWrite(name, binding.Role))
                {
                    if (report) Record(SiteKind.Write, invocation, connection, binding.Role, state);
                    Live(state, id);
                }

                break;
            case Role.Owner:
                if (name is "Dispose" or "DisposeAsync" or "Close")
                {
                    Close(invocation, connection, binding.Role, state, report);
                }
                else if (name is "ReadToEnd" or "ReadToEndAsync")
                {
                    if (report) Record(SiteKind.ReadToEnd, invocation, connection, binding.Role, state);
                }
                else if (IsRead(name))
                {
                    if (report) Record(SiteKind.Read, invocation, connection, binding.Role, state);
                }
                else if (IsWrite(name, binding.Role))
                {
                    if (report) Record(SiteKind.Write, invocation, connection, binding.Role, state);
                }

                break;
            case Role.Transport:
                if (ConnectionModel.IsAbortiveClose(invocation, _types))
                {
                    End(state, id, FlowState.Abortive);
                }
                else if (name is "Dispose" or "DisposeAsync" or "Close" or "Shutdown" or "Disconnect" or "DisconnectAsync")
                {
                    Close(invocation, connection, binding.Role, state, report);
                }

                break;
        }
    }

    /// <summary>
    /// A helper of this compilation that closes the stream it is given acts at the call: a graceful close or a
    /// shutdown ends the connection's live state; a plain close is a close. When the helper's parameter is
    /// TLS-typed the helper's own body reports its close; otherwise the call is the close to report.
    /// </summary>
    private bool ApplyHelperEffect(IInvocationOperation invocation, ParameterEffect effect, IParameterSymbol parameter, Binding passed, FlowState state, bool report)
    {
        switch (effect)
        {
            case ParameterEffect.ClosesGracefully:
                End(state, passed.Connection, FlowState.Graceful | FlowState.Closed);
                return true;
            case ParameterEffect.TakesOwnership:
                End(state, passed.Connection, FlowState.Escaped);
                return true;
            case ParameterEffect.ShutsDown:
                End(state, passed.Connection, FlowState.Shutdown | FlowState.Authenticated);
                return true;
            case ParameterEffect.Closes:
                var connection = _model.GetConnection(passed.Connection);
                if (report && !_types.IsTls(parameter.Type)) Record(SiteKind.Close, invocation, connection, passed.Role, state);
                End(state, connection.Id, FlowState.Closed);
                return true;
            default:
                return false;
        }
    }

    /// <summary>
    /// A call to a private helper of the class: records whether it runs in error handling and which field
    /// groups are live at the call, then applies what the helper does to the groups (it reports its own closes).
    /// </summary>
    private void ApplyHelperCall(IMethodSymbol helper, Dictionary<int, ParameterEffect> effects, FlowState state, bool report)
    {
        if (report && _helperCalls is not null)
        {
            var live = new Dictionary<int, bool>();
            bool anyLive = false, anyError = false;
            foreach (var connection in _model.Connections)
            {
                if (connection.Id >= _count) continue;
                anyLive |= state.MayHave(connection.Id, FlowState.Pending);
                anyError |= state.MayHave(connection.Id, FlowState.Error);
                if (connection.FieldGroup >= 0) live[connection.FieldGroup] = state.MayHave(connection.Id, FlowState.Pending);
            }

            bool inFailure = _failureHandler || InCatch(_block) || (anyError && !anyLive);
            lock (_helperCalls) _helperCalls.Add(new HelperCall(helper, inFailure, live));
        }

        foreach (var pair in effects)
        {
            if (!_model.TryGetGroupConnection(pair.Key, out var id) || id >= _count) continue;
            switch (pair.Value)
            {
                case ParameterEffect.ShutsDown or ParameterEffect.ClosesGracefully:
                    End(state, id, FlowState.Shutdown | FlowState.Authenticated);
                    break;
                case ParameterEffect.Closes:
                    End(state, id, FlowState.Closed);
                    break;
            }
        }
    }

    private static bool InCatch(BasicBlock? block)
    {
        for (var region = block?.EnclosingRegion; region is not null; region = region.EnclosingRegion)
        {
            if (region.Kind is ControlFlowRegionKind.Catch or ControlFlowRegionKind.FilterAndHandler or ControlFlowRegionKind.Filter) return true;
        }

        return false;
    }

    public static bool IsHandshake(string name, TlsKind kind) =>
        name.StartsWith("AuthenticateAs", System.StringComparison.Ordinal) || name == "NegotiateClientCertificateAsync" || ApmHandshake.IsBegin(name)
        || (kind == TlsKind.BouncyCastle && name is "Connect" or "Accept");

    private static bool IsRead(string name) =>
        name.StartsWith("Read", System.StringComparison.Ordinal) && name is not ("ReadToEnd" or "ReadToEndAsync");

    private static bool IsWrite(string name, Role role) =>
        name.StartsWith("Write", System.StringComparison.Ordinal) || (role == Role.Owner && name.StartsWith("Flush", System.StringComparison.Ordinal));

    /// <summary>Handshakes and shutdowns are recorded by the receiver's type, tracked or not (TLS003/TLS004/TLS005 judge the call's shape).</summary>
    private void RecordCallShape(IInvocationOperation invocation, IOperation? receiver, Binding? tracked, FlowState state)
    {
        if (ApmHandshake.StreamOfFromAsync(invocation, _types) is { } apmStream)
        {
            Record(SiteKind.Handshake, invocation, Track(apmStream) is { Role: Role.Tls } apm ? _model.GetConnection(apm.Connection) : null, Role.Tls, state);
            return;
        }

        var kind = _types.KindOf(receiver?.Type);
        if (kind is TlsKind.None or TlsKind.BouncyCastle) return;
        var name = invocation.TargetMethod.Name;
        var connection = tracked is { Role: Role.Tls } binding ? _model.GetConnection(binding.Connection) : null;
        if (name == "ShutdownAsync")
        {
            Record(SiteKind.Shutdown, invocation, connection, Role.Tls, state);
        }
        else if (IsHandshake(name, kind))
        {
            Record(SiteKind.Handshake, invocation, connection, Role.Tls, state);
        }
    }

    private void Close(IInvocationOperation invocation, Connection connection, Role role, FlowState state, bool report)
    {
        int id = connection.Id;
        if ((connection.Kind == TlsKind.BouncyCastle || connection.SelfClosing) && role != Role.Transport)
        {
            // TlsProtocol.Close (and its stream's Dispose) sends close_notify itself.
            End(state, id, FlowState.Graceful | FlowState.Closed);
            return;
        }

        if (report) Record(SiteKind.Close, invocation, connection, role, state);
        End(state, id, FlowState.Closed);
    }

    /// <summary>Records a site with the connection's state before the call.</summary>
    private void Record(SiteKind kind, IInvocationOperation invocation, Connection? connection, Role role, FlowState? state)
    {
        var receiverKind = _types.KindOf((invocation.Instance ?? (invocation.Arguments.Length > 0 ? invocation.Arguments[0].Value : null))?.Type);
        ushort may = connection is null || state is null ? (ushort)0 : state.May[connection.Id];
        ushort must = connection is null || state is null ? (ushort)0 : state.Must[connection.Id];
        _sites.Add(new Site(kind, invocation, receiverKind, connection, role, may, must, _tasks, _types));
    }
}

/// <summary>A call to one of the class's private helpers, with what held at the call.</summary>
internal sealed class HelperCall
{
    public HelperCall(IMethodSymbol callee, bool inFailure, Dictionary<int, bool> liveGroups)
    {
        Callee = callee;
        InFailure = inFailure;
        LiveGroups = liveGroups;
    }

    public IMethodSymbol Callee { get; }

    /// <summary>Called from a catch block, a failure callback, or a path where a handshake failed.</summary>
    public bool InFailure { get; }

    /// <summary>Per field group the caller knows: whether it may be live at the call.</summary>
    public Dictionary<int, bool> LiveGroups { get; }
}
