using System.Net.Sockets;

namespace TlsShutdown.Tests.Infrastructure;

/// <summary>Facts about a socket that the tests assert.</summary>
public static class SocketState
{
    /// <summary>Whether <paramref name="socket"/> has been disposed (its descriptor closed).</summary>
    public static bool IsDisposed(Socket socket)
    {
        try
        {
            _ = socket.Available;
            return false;
        }
        catch (ObjectDisposedException)
        {
            return true;
        }
    }
}
