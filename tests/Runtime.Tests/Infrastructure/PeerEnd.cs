namespace TlsShutdown.Tests.Infrastructure;

/// <summary>How a <see cref="MisbehavingPeer"/> saw the TCP connection end.</summary>
public enum PeerEnd
{
    /// <summary>The client's FIN: a read of the raw transport returned 0.</summary>
    EndOfStream,

    /// <summary>The client reset the connection, or the transport failed: a read or write threw.</summary>
    Reset,

    /// <summary>The peer ended the connection itself (<see cref="PeerBehavior.Resets"/>) and could observe nothing after.</summary>
    ClosedByPeer,
}
