using Org.BouncyCastle.Tls;

namespace TlsShutdown.Engine;

/// <summary>
/// TLS 1.2 sessions TlsEngineStream may resume, bounded in number and in age: the client keeps the last session per
/// target (host, enabled versions, client certificate), the server the sessions it issued IDs for. Least recently
/// used entries go first when full. Thread-safe.
/// </summary>
/// <remarks>
/// BouncyCastle 2.7 resumes TLS 1.2 sessions by session ID on both sides. It does not resume TLS 1.3: its client
/// ignores NewSessionTicket and its server issues none, so TLS 1.3 handshakes are always full (<c>tls.resumed</c> false).
/// </remarks>
/// <typeparam name="TKey">What a session is filed under.</typeparam>
internal sealed class EngineSessionCache<TKey>(int capacity, TimeSpan lifetime)
    where TKey : notnull
{
    private readonly Dictionary<TKey, LinkedListNode<Entry>> _entries = [];
    private readonly LinkedList<Entry> _byUse = new();   // most recently used first

    /// <summary>The session filed under <paramref name="key"/>, when it is still resumable and young enough.</summary>
    public TlsSession? Get(TKey key)
    {
        lock (_entries)
        {
            if (!_entries.TryGetValue(key, out LinkedListNode<Entry>? node))
            {
                return null;
            }

            if (!node.Value.Session.IsResumable || DateTime.UtcNow - node.Value.Stored > lifetime)
            {
                Remove(node);
                return null;
            }

            _byUse.Remove(node);
            _byUse.AddFirst(node);
            return node.Value.Session;
        }
    }

    /// <summary>Files <paramref name="session"/> under <paramref name="key"/>, replacing what was there.</summary>
    public void Put(TKey key, TlsSession session)
    {
        lock (_entries)
        {
            if (_entries.TryGetValue(key, out LinkedListNode<Entry>? old))
            {
                Remove(old);
            }

            while (_entries.Count >= capacity && _byUse.Last is { } oldest)
            {
                Remove(oldest);
            }

            _entries[key] = _byUse.AddFirst(new Entry(key, session, DateTime.UtcNow));
        }
    }

    /// <summary>How many sessions are filed (for tests).</summary>
    public int Count
    {
        get
        {
            lock (_entries)
            {
                return _entries.Count;
            }
        }
    }

    private void Remove(LinkedListNode<Entry> node)
    {
        _byUse.Remove(node);
        _entries.Remove(node.Value.Key);
    }

    private sealed record Entry(TKey Key, TlsSession Session, DateTime Stored);
}

/// <summary>The process-wide session caches of TlsEngineStream, and their bounds.</summary>
internal static class EngineSessions
{
    /// <summary>How long a session may be resumed: 10 minutes (OpenSSL's and SslStream's default is 5, IIS's 10).</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);

    /// <summary>Targets a client remembers a session for.</summary>
    public const int ClientCapacity = 1024;

    /// <summary>Sessions a server remembers.</summary>
    public const int ServerCapacity = 16 * 1024;

    public static readonly EngineSessionCache<ClientSessionKey> Client = new(ClientCapacity, Lifetime);

    public static readonly EngineSessionCache<ServerSessionKey> Server = new(ServerCapacity, Lifetime);
}

/// <summary>What a client's session may be resumed for: the same target host, versions and client certificate.</summary>
internal readonly record struct ClientSessionKey(string Host, System.Security.Authentication.SslProtocols Protocols, string? ClientCertificate);

/// <summary>What a server's session may be resumed under: the same server certificate, client-certificate demand and session ID.</summary>
internal readonly record struct ServerSessionKey(string ServerCertificate, bool ClientCertificateRequired, string SessionId);
