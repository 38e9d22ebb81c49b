namespace TlsShutdown;

/// <summary>
/// The transport under a TLS stream ended without the peer's close_notify: the data received so far may have
/// been cut short by an attacker or a failure, and must not be taken as complete.
/// </summary>
public class TlsTruncationException : IOException
{
    /// <summary>Creates the exception with the default message.</summary>
    public TlsTruncationException()
        : base("The TLS connection ended without a close_notify alert: the data may have been truncated.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What happened.</param>
    public TlsTruncationException(string? message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the exception that caused it.</summary>
    /// <param name="message">What happened.</param>
    /// <param name="innerException">The transport's own error, such as a connection reset.</param>
    public TlsTruncationException(string? message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
