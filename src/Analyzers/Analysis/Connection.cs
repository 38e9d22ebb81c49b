using Microsoft.CodeAnalysis;

namespace TlsShutdown.Analyzers.Analysis;

/// <summary>One TLS connection a method creates, receives or holds, with its flow-insensitive facts.</summary>
internal sealed class Connection
{
    public Connection(int id, Origin origin, TlsKind kind)
    {
        Id = id;
        Origin = origin;
        Kind = kind;
    }

    public int Id { get; }

    public Origin Origin { get; set; }

    public TlsKind Kind { get; set; }

    /// <summary>The class-level field group it belongs to, or -1.</summary>
    public int FieldGroup { get; set; } = -1;

    /// <summary>A TLS-typed symbol naming the stream (what the code fix passes to GracefulTlsClose).</summary>
    public ISymbol? StreamSymbol { get; set; }

    /// <summary>Referenced from a lambda or local function: the outer method no longer owns it alone.</summary>
    public bool Captured { get; set; }

    /// <summary>A ReadTimeout/ReceiveTimeout is set on the stream or its transport somewhere (method or class).</summary>
    public bool HasReadTimeout { get; set; }

    /// <summary>This method shuts the connection down somewhere (ShutdownAsync, GracefulTlsClose, BouncyCastle Close).</summary>
    public bool HasShutdownCall { get; set; }

    /// <summary>This method closes the connection somewhere (its stream, an owner or its transport).</summary>
    public bool HasCloseCall { get; set; }

    /// <summary>The TLS stream's own Close/Dispose sends close_notify (a subclass that overrides them).</summary>
    public bool SelfClosing { get; set; }

    /// <summary>This method creates the TLS stream (or stores one it received into the field): before that, nothing is live.</summary>
    public bool EstablishedHere { get; set; }

    /// <summary>Linger 0 or Close(0) on its transport, in this method or (for fields) anywhere in the class: aborts are the intent.</summary>
    public bool AbortiveIntent { get; set; }

    /// <summary>The class shuts the field's connection down in some method: its other closes are not reported.</summary>
    public bool ClassShutsDown { get; set; }
}
