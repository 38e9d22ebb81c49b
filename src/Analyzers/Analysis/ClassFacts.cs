using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace TlsShutdown.Analyzers.Analysis;

/// <summary>
/// What the class as a whole says about its fields (and auto-properties, see <see cref="Members"/>): which ones hold a TLS stream (Stream-typed ones
/// too), which transport and wrapper fields sit beneath them, and whether any method shuts them down
/// or bounds their reads. Fields that share a connection form one group.
/// </summary>
internal sealed class ClassFacts
{
    private readonly Dictionary<ISymbol, (int Group, Role Role)> _fields = new(SymbolEqualityComparer.Default);
    private readonly List<GroupFacts> _groups = new();

    public static ClassFacts Empty { get; } = new();

    /// <summary>
    /// What each private helper of the class does to field groups (closes, shuts down), flow-insensitively:
    /// a call to it acts on those groups in the caller (<c>Close() { DisposeStream(); CloseSocket(); }</c>).
    /// </summary>
    public Dictionary<IMethodSymbol, Dictionary<int, ParameterEffect>> HelperEffects { get; } = new(SymbolEqualityComparer.Default);

    public bool IsEmpty => _fields.Count == 0;

    public bool TryGet(ISymbol field, out int group, out Role role)
    {
        if (_fields.TryGetValue(field, out var entry))
        {
            group = entry.Group;
            role = entry.Role;
            return true;
        }

        group = -1;
        role = default;
        return false;
    }

    public bool Contains(ISymbol field) => _fields.ContainsKey(field);

    public GroupFacts Group(int group) => _groups[group];

    /// <summary>
    /// A field that holds the TLS stream of a group (one typed as a TLS stream first), so that a finding in
    /// a method that only names the transport (<c>_client.Dispose()</c>) can still name the stream to close.
    /// </summary>
    public ISymbol? StreamField(int group, System.Func<ITypeSymbol, bool> isTls)
    {
        ISymbol? found = null;
        foreach (var pair in _fields)
        {
            if (pair.Value.Group != group || pair.Value.Role != Role.Tls) continue;
            if (TlsTypes.TypeOf(pair.Key) is { } type && isTls(type)) return pair.Key;
            found ??= pair.Key;
        }

        return found;
    }

    /// <summary>Adds the fields one method bound to one connection, merging with groups already known.</summary>
    public void AddConnection(TlsKind kind, IReadOnlyList<(ISymbol Field, Role Role)> fields)
    {
        int group = -1;
        foreach (var (field, _) in fields)
        {
            if (_fields.TryGetValue(field, out var existing))
            {
                group = existing.Group;
                break;
            }
        }

        if (group < 0)
        {
            group = _groups.Count;
            _groups.Add(new GroupFacts(kind));
        }

        foreach (var (field, role) in fields)
        {
            if (!_fields.TryGetValue(field, out var existing))
            {
                _fields[field] = (group, role);
            }
            else if (existing.Group != group)
            {
                // Two groups turned out to be one connection: move the other group's fields over.
                var old = existing.Group;
                foreach (var key in new List<ISymbol>(_fields.Keys))
                {
                    if (_fields[key].Group == old) _fields[key] = (group, _fields[key].Role);
                }
            }
        }
    }

    /// <summary>Facts about one field group.</summary>
    internal sealed class GroupFacts
    {
        public GroupFacts(TlsKind kind) => Kind = kind;

        public TlsKind Kind { get; }

        public bool HasShutdown { get; set; }

        public bool HasReadTimeout { get; set; }

        /// <summary>Linger 0 or Close(0) on the group's transport somewhere in the class.</summary>
        public bool HasAbortiveClose { get; set; }
    }
}
