namespace TlsShutdown.Analyzers.Analysis;

/// <summary>How a tracked value relates to its TLS connection.</summary>
internal enum Role
{
    /// <summary>The TLS stream itself or an alias of it (<c>Stream s = ssl</c>).</summary>
    Tls,

    /// <summary>A wrapper that closes the TLS stream when closed (<c>new StreamReader(ssl)</c>).</summary>
    Owner,

    /// <summary>What the TLS stream runs over: NetworkStream, Socket, TcpClient. Closing it ends the connection.</summary>
    Transport,
}

/// <summary>Where a connection came from, as seen by the method under analysis.</summary>
internal enum Origin
{
    /// <summary>Created in this method: it must be authenticated here before a close matters.</summary>
    Created,

    /// <summary>A parameter, or a value captured from an enclosing method.</summary>
    Parameter,

    /// <summary>Returned by a call: assumed authenticated.</summary>
    Received,

    /// <summary>Held in a field of the class.</summary>
    Field,
}

/// <summary>A tracked value's connection and role.</summary>
internal readonly struct Binding
{
    public Binding(int connection, Role role)
    {
        Connection = connection;
        Role = role;
    }

    public int Connection { get; }

    public Role Role { get; }
}
