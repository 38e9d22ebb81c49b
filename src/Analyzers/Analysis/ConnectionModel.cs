using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace TlsShutdown.Analyzers.Analysis;

/// <summary>
/// The flow-insensitive half of the analysis of one control-flow graph: which values are TLS streams,
/// their aliases, the wrappers that own them and the transports beneath them, grouped into
/// connections. The flow pass (<see cref="ConnectionFlow"/>) then tracks each connection's state.
/// </summary>
internal sealed class ConnectionModel
{
    private readonly TlsTypes _types;
    private readonly ClassFacts _facts;
    private readonly ConnectionModel? _outer;
    private readonly List<Connection> _connections = new();
    private readonly List<int> _parent = new();
    private readonly Dictionary<object, Binding> _bindings = new(KeyComparer.Instance);
    private readonly Dictionary<object, HashSet<object>> _links = new(KeyComparer.Instance);
    private readonly Dictionary<IOperation, int> _creations = new();
    private readonly Dictionary<IOperation, int> _owners = new();
    private readonly Dictionary<IOperation, int> _received = new();
    private readonly Dictionary<object, int> _objectConnections = new(KeyComparer.Instance);
    private readonly Dictionary<int, int> _groupConnections = new();
    private readonly Dictionary<int, int> _outerConnections = new();
    private readonly HashSet<object> _replaced = new(KeyComparer.Instance);
    private readonly Dictionary<CaptureId, ISymbol> _capturedMembers = new();
    private bool _changed;

    private ConnectionModel(ControlFlowGraph cfg, TlsTypes types, MethodSummaries summaries, ClassFacts facts, ConnectionModel? outer)
    {
        Graph = cfg;
        _types = types;
        Summaries = summaries;
        _facts = facts;
        _outer = outer;
        Operations = OperationWalker.AllOperations(cfg);
    }

    public ControlFlowGraph Graph { get; }

    public TlsTypes Types => _types;

    public MethodSummaries Summaries { get; }

    public List<IOperation> Operations { get; }

    /// <summary>Lambdas and local functions of this graph, analyzed on their own with this model as the outer one.</summary>
    public List<NestedGraph> NestedGraphs { get; } = new();

    public int ConnectionCount => _connections.Count;

    public Connection GetConnection(int id) => _connections[Find(id)];

    /// <summary>Connections after merging, each once.</summary>
    public IEnumerable<Connection> Connections => _connections.Where(c => Find(c.Id) == c.Id);

    public IEnumerable<KeyValuePair<object, Binding>> Bindings => _bindings;

    public static ConnectionModel Build(ControlFlowGraph cfg, TlsTypes types, MethodSummaries summaries, ClassFacts facts, ConnectionModel? outer)
    {
        var model = new ConnectionModel(cfg, types, summaries, facts, outer);
        model.Run();
        return model;
    }

    private void Run()
    {
        // Members this method stores a value other than null into.
        foreach (var op in Operations)
        {
            if (op is IFlowCaptureOperation capture && Members.OfThis(OperationWalker.Unwrap(capture.Value)) is { } captured)
            {
                _capturedMembers[capture.Id] = captured;
            }
            else if (op is ISimpleAssignmentOperation assignment && Members.IsMember(TargetKeyOf(assignment.Target))
                && OperationWalker.Unwrap(assignment.Value).ConstantValue is not { HasValue: true, Value: null })
            {
                _replaced.Add(TargetKeyOf(assignment.Target)!);
            }
        }

        // Aliases can be formed in any order (loops, captures): iterate to a fixed point; it is reached in
        // two or three passes, the bound only guards against the unforeseen.
        for (int pass = 0; pass < 8; pass++)
        {
            _changed = false;
            foreach (var op in Operations) Visit(op);
            PropagateLinks();
            if (!_changed) break;
        }

        CollectNested();
        CollectFacts();
    }

    /// <summary>The connection and role of a value, or null when it is not part of a TLS connection.</summary>
    public Binding? Resolve(IOperation? operation)
    {
        if (operation is null) return null;
        operation = OperationWalker.Unwrap(operation);
        switch (operation)
        {
            case IObjectCreationOperation creation:
                if (_creations.TryGetValue(creation, out var id)) return new Binding(Find(id), Role.Tls);
                if (_owners.TryGetValue(creation, out id)) return new Binding(Find(id), Role.Owner);
                return null;
            case IAwaitOperation or IInvocationOperation when _received.TryGetValue(operation, out var receivedId):
                return new Binding(Find(receivedId), Role.Tls);
            case IPropertyReferenceOperation property when property.Instance is not null && Members.OfThis(property) is null:
                // BouncyCastle's protocol.Stream is the TLS stream; TcpClient.Client is the transport's socket.
                if (property.Property.Name == "Stream" && _types.KindOf(property.Instance.Type) == TlsKind.BouncyCastle)
                {
                    return Resolve(property.Instance);
                }

                if (property.Property.Name == "Client" && TlsTypes.DerivesFrom(property.Instance.Type, _types.TcpClient))
                {
                    return Resolve(property.Instance);
                }

                goto default;
            case IInvocationOperation invocation when invocation.TargetMethod.Name == "GetStream" && invocation.Instance is not null
                && TlsTypes.DerivesFrom(invocation.Instance.Type, _types.TcpClient):
                return Resolve(invocation.Instance);
            default:
                var key = KeyOf(operation);
                return key is null ? null : Lookup(key);
        }
    }

    /// <summary>The tracking key of a reference: a local, parameter, this-instance or static field, or a flow capture.</summary>
    public static object? KeyOf(IOperation operation) => OperationWalker.Unwrap(operation) switch
    {
        ILocalReferenceOperation local => local.Local,
        IParameterReferenceOperation parameter => parameter.Parameter,
        IFieldReferenceOperation or IPropertyReferenceOperation when Members.OfThis(OperationWalker.Unwrap(operation)) is { } member => member,
        IMemberReferenceOperation { Instance: { } instance } reference when Members.OfOther(reference) is { } member && KeyOf(instance) is { } instanceKey =>
            new MemberPath(instanceKey, member),
        IFlowCaptureReferenceOperation capture => capture.Id,
        _ => null,
    };

    /// <summary>
    /// The key an assignment stores into. When the value needs control flow (<c>_f = c ? await x : y</c>), the
    /// graph captures the target field first and assigns through the capture: the store is into the field.
    /// </summary>
    public object? TargetKeyOf(IOperation target) =>
        OperationWalker.Unwrap(target) is IFlowCaptureReferenceOperation reference && _capturedMembers.TryGetValue(reference.Id, out var member)
            ? member
            : KeyOf(target);

    private Binding? Lookup(object key)
    {
        if (_bindings.TryGetValue(key, out var binding)) return new Binding(Find(binding.Connection), binding.Role);

        // Class-level facts: a field of a known group.
        if (Members.IsMember(key) && _facts.TryGet((ISymbol)key, out var group, out var role))
        {
            return Bind(key, GroupConnection(group), role);
        }

        // A member of another object of this compilation (client.Stream, channel.Socket), known from that type's facts.
        if (key is MemberPath path && LookupForeign(path) is { } foreign) return foreign;

        // wire.Inner where wire owns a TLS stream: the stream it owns (if (wire.Inner is SslStream ssl) ssl.ShutdownAsync()).
        if (key is MemberPath inner && _types.CanHoldTls(TlsTypes.TypeOf(inner.Member)) && Lookup(inner.Instance) is { Role: Role.Owner } owner)
        {
            return Bind(key, owner.Connection, Role.Tls);
        }

        // A value captured from the enclosing method: that method's connection, seen here like a parameter.
        if (key is ISymbol && _outer?.Lookup(key) is { } outerBinding)
        {
            var outerConnection = _outer.GetConnection(outerBinding.Connection);
            if (!_outerConnections.TryGetValue(outerConnection.Id, out var mine))
            {
                mine = NewConnection(outerConnection.Origin == Origin.Field ? Origin.Field : Origin.Parameter, outerConnection.Kind).Id;
                _connections[mine].FieldGroup = outerConnection.FieldGroup;
                _connections[mine].ClassShutsDown = outerConnection.ClassShutsDown;
                _outerConnections[outerConnection.Id] = mine;
            }

            return Bind(key, mine, outerBinding.Role);
        }

        // A TLS-typed symbol of unknown origin: a connection of its own.
        var kind = _types.KindOf(TlsTypes.TypeOf(key as ISymbol));
        if (kind == TlsKind.None) return null;
        var origin = key switch
        {
            IParameterSymbol => Origin.Parameter,
            IFieldSymbol or IPropertySymbol => Origin.Field,
            _ => Origin.Received,
        };
        return Bind(key, NewConnection(origin, kind).Id, Role.Tls);
    }

    /// <summary>The connection of the object a local or parameter refers to (through its members), if any.</summary>
    public bool TryGetObjectConnection(object? key, out int connection)
    {
        if (key is not null && _objectConnections.TryGetValue(key, out connection))
        {
            connection = Find(connection);
            return true;
        }

        connection = -1;
        return false;
    }

    private Binding? LookupForeign(MemberPath path)
    {
        var role = Role.Tls;
        var memberType = TlsTypes.TypeOf(path.Member);
        if (!_types.IsInteresting(memberType)) return null;
        var kind = _types.KindOf(memberType);
        var facts = Summaries.FactsOf(path.Member.ContainingType);
        if (kind == TlsKind.None)
        {
            if (!facts.Roles.TryGetValue(path.Member, out role)) return null;
            kind = facts.Kind;
        }

        // One connection per object: client.Socket and client.Stream are the same connection.
        if (!_objectConnections.TryGetValue(path.Instance, out var id))
        {
            var connection = NewConnection(Origin.Received, kind);
            connection.ClassShutsDown = facts.ShutsDown;
            id = connection.Id;
            _objectConnections[path.Instance] = id;
        }

        return Bind(path, id, role);
    }

    /// <summary>The connection standing for a class field group in this method, created on first use.</summary>
    private int GroupConnection(int group)
    {
        if (!_groupConnections.TryGetValue(group, out var groupConnection))
        {
            groupConnection = NewConnection(Origin.Field, _facts.Group(group).Kind).Id;
            _connections[groupConnection].FieldGroup = group;
            _groupConnections[group] = groupConnection;
        }

        return groupConnection;
    }

    /// <summary>The connection of a field group here, if this method touches the group (or calls a helper that does).</summary>
    public bool TryGetGroupConnection(int group, out int connection)
    {
        if (_groupConnections.TryGetValue(group, out connection))
        {
            connection = Find(connection);
            return true;
        }

        return false;
    }

    /// <summary>What this method does to each field group it touches: shuts it down, or only closes it.</summary>
    public Dictionary<int, ParameterEffect> GroupEffects()
    {
        var effects = new Dictionary<int, ParameterEffect>();
        foreach (var connection in Connections)
        {
            if (connection.FieldGroup < 0) continue;
            var effect = connection.HasShutdownCall ? ParameterEffect.ShutsDown : connection.HasCloseCall ? ParameterEffect.Closes : ParameterEffect.None;
            if (effect != ParameterEffect.None) effects[connection.FieldGroup] = effect;
        }

        return effects;
    }

    private Connection NewConnection(Origin origin, TlsKind kind)
    {
        var connection = new Connection(_connections.Count, origin, kind);
        _connections.Add(connection);
        _parent.Add(connection.Id);
        _changed = true;
        return connection;
    }

    private int Find(int id)
    {
        while (_parent[id] != id)
        {
            _parent[id] = _parent[_parent[id]];
            id = _parent[id];
        }

        return id;
    }

    private void Union(int a, int b)
    {
        a = Find(a);
        b = Find(b);
        if (a == b) return;

        // Keep the more informative origin: a field outlives the method, a creation here must be authenticated here.
        var ca = _connections[a];
        var cb = _connections[b];
        if (Rank(cb.Origin) > Rank(ca.Origin)) (a, b, ca, cb) = (b, a, cb, ca);
        _parent[b] = a;
        if (ca.Kind == TlsKind.None) ca.Kind = cb.Kind;
        if (ca.FieldGroup < 0) ca.FieldGroup = cb.FieldGroup;
        ca.ClassShutsDown |= cb.ClassShutsDown;
        ca.EstablishedHere |= cb.EstablishedHere;
        _changed = true;

        static int Rank(Origin origin) => origin switch
        {
            Origin.Field => 3,
            Origin.Created => 2,
            Origin.Parameter => 1,
            _ => 0,
        };
    }

    private Binding Bind(object key, int connection, Role role)
    {
        connection = Find(connection);
        if (_bindings.TryGetValue(key, out var existing))
        {
            if (Find(existing.Connection) != connection) Union(existing.Connection, connection);
            return new Binding(Find(connection), existing.Role);
        }

        _bindings[key] = new Binding(connection, role);
        _changed = true;
        return new Binding(connection, role);
    }

    private void Visit(IOperation op)
    {
        if (op is IInvocationOperation { Instance: { } receiver } handOver) VisitHandOver(handOver, receiver);
        if (TestedTlsType(op) is { } tested) VisitTypeTest(tested.Value, tested.Type);
        switch (op)
        {
            case IObjectCreationOperation creation:
                VisitCreation(creation);
                break;
            case IInvocationOperation helperCall when _facts.HelperEffects.TryGetValue(helperCall.TargetMethod, out var helperEffects):
                // A private helper acting on field groups: the groups are part of this method's picture.
                foreach (var group in helperEffects.Keys) GroupConnection(group);
                break;
            case IInvocationOperation or IAwaitOperation when !_received.ContainsKey(op) && ReturnsTls(op) is var kind && kind != TlsKind.None:
                // A TLS stream a call returns (CreateTlsStreamAsync): live from the call on.
                var received = NewConnection(Origin.Received, kind);
                received.EstablishedHere = true;
                _received[op] = received.Id;
                break;
            case ISimpleAssignmentOperation assignment:
                Store(TargetKeyOf(assignment.Target), assignment.Value);
                break;
            case IFlowCaptureOperation capture:
                Store(capture.Id, capture.Value);
                break;
            case IIsPatternOperation { Pattern: IDeclarationPatternOperation { DeclaredSymbol: ILocalSymbol declared } } pattern:
                // if (_io is SslStream ssl): ssl is _io.
                Store(declared, pattern.Value);
                break;
            case ILocalReferenceOperation or IParameterReferenceOperation or IFieldReferenceOperation or IPropertyReferenceOperation:
                // Create the connections of TLS-typed symbols now: the flow pass needs them all up front.
                Resolve(op);
                break;
        }
    }

    private void VisitCreation(IObjectCreationOperation creation)
    {
        var kind = _types.KindOf(creation.Type);
        if (kind != TlsKind.None)
        {
            if (!_creations.TryGetValue(creation, out var id))
            {
                var created = NewConnection(Origin.Created, kind);
                created.EstablishedHere = true;
                id = created.Id;
                _creations[creation] = id;
            }

            // The first Stream argument is the transport (SslStream, TlsEngineStream, TlsClientProtocol all take it first).
            var inner = creation.Arguments.FirstOrDefault(a => TlsTypes.DerivesFrom(a.Parameter?.Type, _types.Stream));
            if (inner is not null)
            {
                foreach (var key in Underlying(inner.Value)) Bind(key, id, Role.Transport);
            }

            return;
        }

        if (_types.IsOwningWrapper(creation.Type) && !_owners.ContainsKey(creation)
            && creation.Arguments.FirstOrDefault(a => TlsTypes.DerivesFrom(a.Parameter?.Type, _types.Stream)) is { } wrappedArgument
            && !LeavesOpen(creation) && Resolve(wrappedArgument.Value) is { Role: not Role.Transport } wrapped)
        {
            _owners[creation] = wrapped.Connection;
            _changed = true;
            return;
        }

        // A wrapper of this compilation whose constructor keeps the stream and whose Dispose/Close disposes it.
        if (!_owners.ContainsKey(creation) && creation.Constructor is { } constructor && !_types.IsTransport(creation.Type))
        {
            foreach (var argument in creation.Arguments)
            {
                if (Resolve(argument.Value) is { Role: not Role.Transport } owned && Summaries.OwnsParameter(constructor, argument.Parameter))
                {
                    _owners[creation] = owned.Connection;
                    _changed = true;
                    return;
                }
            }
        }
    }

    /// <summary>
    /// <c>_channel.SetStream(ssl)</c>: an object of this compilation whose method keeps the stream in a member its
    /// Dispose/Close disposes now owns the TLS stream; closing it closes the stream (corpus M8).
    /// </summary>
    private void VisitHandOver(IInvocationOperation invocation, IOperation receiver)
    {
        if (invocation.TargetMethod.MethodKind != MethodKind.Ordinary || KeyOf(receiver) is not { } owner) return;
        foreach (var argument in invocation.Arguments)
        {
            if (Resolve(argument.Value) is { Role: not Role.Transport } owned && Summaries.OwnsParameter(invocation.TargetMethod, argument.Parameter))
            {
                Bind(owner, owned.Connection, Role.Owner);
                return;
            }
        }
    }

    /// <summary><c>x is SslStream</c>, <c>x is SslStream ssl</c>: the value tested and the TLS type tested for.</summary>
    private (IOperation Value, ITypeSymbol Type)? TestedTlsType(IOperation op) => op switch
    {
        IIsTypeOperation test when _types.IsTls(test.TypeOperand) => (test.ValueOperand, test.TypeOperand),
        IIsPatternOperation { Pattern: IDeclarationPatternOperation { MatchedType: { } matched } } pattern when _types.IsTls(matched) => (pattern.Value, matched),
        IIsPatternOperation { Pattern: ITypePatternOperation { MatchedType: { } matched } } pattern when _types.IsTls(matched) => (pattern.Value, matched),
        _ => null,
    };

    /// <summary>
    /// <c>secure = channel.Inner is SslStream</c>, where channel is a Stream wrapper of this compilation that owns its
    /// inner stream: the code itself says the wrapper may hold a TLS stream, so the wrapper (and the members it is
    /// stored in) closes one when closed (corpus M8: a protocol engine given the wrapper after STARTTLS).
    /// </summary>
    private void VisitTypeTest(IOperation value, ITypeSymbol tested)
    {
        if (KeyOf(value) is not MemberPath { Instance: var wrapper } || _bindings.ContainsKey(wrapper)) return;
        var wrapperType = OperationWalker.Unwrap(value) is IMemberReferenceOperation { Instance: { } instance } ? instance.Type : null;
        if (!_types.OwningStreams.Owns(wrapperType) && !_types.OwningStreams.Holds(wrapperType)) return;
        Bind(wrapper, NewConnection(Origin.Received, _types.KindOf(tested)).Id, Role.Owner);
    }

    /// <summary>Whether a call (or the await of one) returns a TLS stream, by its type.</summary>
    private TlsKind ReturnsTls(IOperation op)
    {
        // The await's own value is the TLS stream; the call under an await returns a task of it.
        if (op is IInvocationOperation && OperationWalker.ParentSkippingConversions(op, out _) is IAwaitOperation) return TlsKind.None;
        var kind = _types.KindOf(op.Type);
        if (kind != TlsKind.None || !_types.IsInteresting(op.Type) || !TlsTypes.DerivesFrom(op.Type, _types.Stream)) return kind;

        // Declared Stream (or Task<Stream>), but the compilation's own helper returns a TLS stream in it.
        var call = op is IAwaitOperation awaited ? OperationWalker.Unwrap(awaited.Operation) : op;
        return call is IInvocationOperation invocation ? Summaries.Of(invocation.TargetMethod).Returns : TlsKind.None;
    }

    /// <summary>Whether the call (or await) returns a TLS stream, and the connection it starts.</summary>
    public bool IsReceivedAt(IOperation call, out int connection)
    {
        if (_received.TryGetValue(call, out connection))
        {
            connection = Find(connection);
            return true;
        }

        return false;
    }

    /// <summary><c>new LingerOption(true, 0)</c>: an abortive close on purpose.</summary>
    public static bool IsZeroLinger(IOperation value, TlsTypes types) =>
        OperationWalker.Unwrap(value) is IObjectCreationOperation creation
        && TlsTypes.Is(creation.Type, types.LingerOption)
        && creation.Arguments.Length == 2
        && creation.Arguments[0].Value.ConstantValue is { HasValue: true, Value: true }
        && creation.Arguments[1].Value.ConstantValue is { HasValue: true, Value: 0 };

    /// <summary><c>new StreamReader(ssl, leaveOpen: true)</c> borrows the stream rather than owning it.</summary>
    public static bool LeavesOpen(IObjectCreationOperation creation) =>
        creation.Arguments.Any(a => a.Parameter?.Name == "leaveOpen" && a.Value.ConstantValue is { HasValue: true, Value: true });

    private void Store(object? target, IOperation value)
    {
        if (target is null) return;
        if (Resolve(value) is { } binding)
        {
            // var s = _socket; _socket = null; s.Close(): a local copy is the field's transport. But var saved = _socket;
            // _socket = accepted; saved.Close(): when the method puts another value in the field, the copy holds
            // the old one, often not the one under the TLS stream any more.
            if (binding.Role == Role.Transport && target is ILocalSymbol && KeyOf(value) is ISymbol member && _replaced.Contains(member)) return;

            Bind(target, binding.Connection, binding.Role);
            return;
        }

        foreach (var source in Underlying(value))
        {
            if (KeyComparer.Instance.Equals(source, target)) continue;
            Link(target, source);
            Link(source, target);
        }
    }

    private void Link(object a, object b)
    {
        if (!_links.TryGetValue(a, out var set)) _links[a] = set = new HashSet<object>(KeyComparer.Instance);
        if (set.Add(b)) _changed = true;
    }

    /// <summary>The keys a transport value is built from: <c>tcp.GetStream()</c> → tcp, <c>new NetworkStream(socket)</c> → socket.</summary>
    private List<object> Underlying(IOperation? value)
    {
        var keys = new List<object>();
        Collect(value, 0);
        return keys;

        void Collect(IOperation? op, int depth)
        {
            if (op is null || depth > 6) return;
            op = OperationWalker.Unwrap(op);
            if (KeyOf(op) is { } key)
            {
                keys.Add(key);
                return;
            }

            switch (op)
            {
                case IInvocationOperation { TargetMethod.Name: "GetStream" } invocation:
                    Collect(invocation.Instance, depth + 1);
                    break;
                case IPropertyReferenceOperation { Property.Name: "Client" } property:
                    Collect(property.Instance, depth + 1);
                    break;
                case IObjectCreationOperation creation when _types.IsTransport(creation.Type) && creation.Arguments.Length > 0:
                    Collect(creation.Arguments[0].Value, depth + 1);
                    break;
            }
        }
    }

    /// <summary>A transport link shares its role: if <c>ns = tcp.GetStream()</c> is beneath a TLS stream, so is tcp.</summary>
    private void PropagateLinks()
    {
        foreach (var pair in _links.ToList())
        {
            if (!_bindings.TryGetValue(pair.Key, out var binding) || binding.Role != Role.Transport) continue;
            foreach (var other in pair.Value) Bind(other, binding.Connection, Role.Transport);
        }
    }

    private void CollectNested()
    {
        var captured = new HashSet<object>(KeyComparer.Instance);
        foreach (var op in Operations)
        {
            if (op is IFlowAnonymousFunctionOperation lambda)
            {
                var nested = Graph.GetAnonymousFunctionControlFlowGraph(lambda);
                NestedGraphs.Add(new NestedGraph(nested, IsFailureCallback(lambda)));
                CollectReferences(nested, captured);
            }
        }

        foreach (var localFunction in Graph.LocalFunctions)
        {
            var nested = Graph.GetLocalFunctionControlFlowGraph(localFunction);
            NestedGraphs.Add(new NestedGraph(nested, false));
            CollectReferences(nested, captured);
        }

        foreach (var pair in _bindings)
        {
            if (pair.Key is ILocalSymbol or IParameterSymbol && captured.Contains(pair.Key))
            {
                GetConnection(pair.Value.Connection).Captured = true;
            }
        }
    }

    /// <summary>
    /// A lambda that runs only when something failed: a cancellation callback (<c>token.Register(() =>
    /// tcp.Dispose())</c>, registered while connecting to abort it) or a continuation that runs only on a
    /// faulted task (<c>ContinueWith(…, TaskContinuationOptions.OnlyOnFaulted)</c>).
    /// </summary>
    private bool IsFailureCallback(IFlowAnonymousFunctionOperation lambda)
    {
        IOperation? node = lambda.Parent;
        while (node is IDelegateCreationOperation or IConversionOperation) node = node.Parent;
        if (node is not IArgumentOperation { Parent: IInvocationOperation call }) return false;
        return call.TargetMethod.Name switch
        {
            "Register" or "UnsafeRegister" => _types.IsCancellationToken(call.TargetMethod.ContainingType),
            "ContinueWith" => call.Arguments.Any(a => a.Value.ConstantValue is { HasValue: true, Value: int options } && (options & 0x10000) != 0),
            _ => false,
        };
    }

    private static void CollectReferences(ControlFlowGraph graph, HashSet<object> into)
    {
        foreach (var op in OperationWalker.AllOperations(graph))
        {
            switch (op)
            {
                case ILocalReferenceOperation local:
                    into.Add(local.Local);
                    break;
                case IParameterReferenceOperation parameter:
                    into.Add(parameter.Parameter);
                    break;
                case IFlowAnonymousFunctionOperation lambda:
                    CollectReferences(graph.GetAnonymousFunctionControlFlowGraph(lambda), into);
                    break;
            }
        }

        foreach (var localFunction in graph.LocalFunctions)
        {
            CollectReferences(graph.GetLocalFunctionControlFlowGraph(localFunction), into);
        }
    }

    /// <summary>Flow-insensitive facts: shutdown calls, read timeouts, a symbol to name the stream by.</summary>
    private void CollectFacts()
    {
        foreach (var pair in _bindings)
        {
            if (pair.Value.Role != Role.Tls || pair.Key is not ISymbol symbol) continue;
            var connection = GetConnection(pair.Value.Connection);
            connection.SelfClosing |= Summaries.ClosesGracefully(TlsTypes.TypeOf(symbol));
            var type = TlsTypes.TypeOf(symbol);
            if (connection.StreamSymbol is null || (_types.IsTls(type) && !_types.IsTls(TlsTypes.TypeOf(connection.StreamSymbol))))
            {
                connection.StreamSymbol = symbol;
            }
        }

        foreach (var creation in _creations)
        {
            GetConnection(creation.Value).SelfClosing |= Summaries.ClosesGracefully(creation.Key.Type);
        }

        foreach (var op in Operations)
        {
            switch (op)
            {
                case IInvocationOperation invocation:
                    CollectInvocationFacts(invocation);
                    break;
                case ISimpleAssignmentOperation { Target: IPropertyReferenceOperation property } when
                    property.Property.Name is "ReadTimeout" or "ReceiveTimeout" && IsFiniteTimeout(((ISimpleAssignmentOperation)op).Value):
                    if (Resolve(property.Instance) is { } bound) GetConnection(bound.Connection).HasReadTimeout = true;
                    break;
                case ISimpleAssignmentOperation { Target: IPropertyReferenceOperation { Property.Name: "LingerState" } linger } lingerAssignment
                    when IsZeroLinger(lingerAssignment.Value, _types):
                    if (Resolve(linger.Instance) is { } aborted) GetConnection(aborted.Connection).AbortiveIntent = true;
                    break;
            }
        }


        foreach (var connection in Connections)
        {
            if (connection.FieldGroup >= 0)
            {
                var group = _facts.Group(connection.FieldGroup);
                connection.ClassShutsDown |= group.HasShutdown;
                connection.HasReadTimeout |= group.HasReadTimeout;
                connection.AbortiveIntent |= group.HasAbortiveClose;
                connection.StreamSymbol ??= _facts.StreamField(connection.FieldGroup, _types.IsTls);
            }
        }
    }

    private void CollectInvocationFacts(IInvocationOperation invocation)
    {
        var method = invocation.TargetMethod;
        if (TlsTypes.Is(method.ContainingType, _types.GracefulTlsClose))
        {
            if (invocation.Arguments.Length > 0 && Resolve(invocation.Arguments[0].Value) is { } closed)
            {
                GetConnection(closed.Connection).HasShutdownCall = true;
            }

            return;
        }

        // A helper of this compilation that shuts down (or gracefully closes) the stream it is given.
        foreach (var argument in invocation.Arguments)
        {
            if (Resolve(argument.Value) is { Role: not Role.Transport } passed
                && Summaries.Of(method).EffectOn(argument.Parameter) >= ParameterEffect.ShutsDown)
            {
                GetConnection(passed.Connection).HasShutdownCall = true;
            }
        }

        if (Resolve(invocation.Instance) is not { } binding) return;
        var connection = GetConnection(binding.Connection);
        if (method.Name is "Dispose" or "DisposeAsync" or "Close" or "Shutdown") connection.HasCloseCall = true;
        if (binding.Role == Role.Tls && (method.Name == "ShutdownAsync" || (connection.Kind == TlsKind.BouncyCastle && method.Name == "Close")))
        {
            connection.HasShutdownCall = true;
        }
        else if (method.Name == "SetSocketOption" && IsReceiveTimeoutOption(invocation))
        {
            connection.HasReadTimeout = true;
        }
        else if (binding.Role == Role.Transport && IsAbortiveClose(invocation, _types))
        {
            connection.AbortiveIntent = true;
        }
    }

    /// <summary>A timeout value that bounds a wait: a constant must be positive (0 and -1 mean "wait forever").</summary>
    private static bool IsFiniteTimeout(IOperation value) =>
        value.ConstantValue is not { HasValue: true, Value: int v } || v > 0;

    /// <summary><c>SetSocketOption(level, SocketOptionName.ReceiveTimeout, ms)</c> with a value that bounds reads.</summary>
    private static bool IsReceiveTimeoutOption(IInvocationOperation invocation)
    {
        var name = invocation.Arguments.FirstOrDefault(a => a.Parameter?.Type.Name == "SocketOptionName");
        var value = invocation.Arguments.FirstOrDefault(a => a.Parameter?.Name == "optionValue");
        return name?.Value.ConstantValue is { HasValue: true, Value: 0x1006 }
            && value?.Parameter?.Type.SpecialType == SpecialType.System_Int32
            && IsFiniteTimeout(value.Value);
    }

    /// <summary><c>Close(0)</c>, or linger 0 set through SetSocketOption: the transport is reset on purpose.</summary>
    public static bool IsAbortiveClose(IInvocationOperation invocation, TlsTypes types) =>
        (invocation.TargetMethod.Name == "Close" && invocation.Arguments.Length == 1 && invocation.Arguments[0].Value.ConstantValue is { HasValue: true, Value: 0 })
        || (invocation.TargetMethod.Name == "SetSocketOption" && invocation.Arguments.Any(a => IsZeroLinger(a.Value, types)));
}

/// <summary>A lambda or local function's graph; a failure callback starts as error handling.</summary>
internal readonly struct NestedGraph
{
    public NestedGraph(ControlFlowGraph graph, bool failureCallback)
    {
        Graph = graph;
        FailureCallback = failureCallback;
    }

    public ControlFlowGraph Graph { get; }

    public bool FailureCallback { get; }
}

/// <summary>The tracking key of a member of another object: <c>client.Stream</c> is (client, Stream).</summary>
internal sealed class MemberPath
{
    public MemberPath(object instance, ISymbol member)
    {
        Instance = instance;
        Member = member;
    }

    public object Instance { get; }

    public ISymbol Member { get; }

    public override bool Equals(object? obj) =>
        obj is MemberPath other && KeyComparer.Instance.Equals(Instance, other.Instance) && SymbolEqualityComparer.Default.Equals(Member, other.Member);

    public override int GetHashCode() =>
        (KeyComparer.Instance.GetHashCode(Instance) * 31) + SymbolEqualityComparer.Default.GetHashCode(Member);

    public override string ToString() => Member.Name;
}
