using System.Net;
using System.Net.Sockets;

namespace TlsShutdown.Tests.Infrastructure;

/// <summary>Two connected TCP sockets on 127.0.0.1: a real kernel connection, no mocks.</summary>
public sealed class LoopbackSocketPair : IDisposable
{
    private LoopbackSocketPair(Socket client, Socket server)
    {
        Client = client;
        Server = server;
    }

    /// <summary>The connecting side: the client under test.</summary>
    public Socket Client { get; }

    /// <summary>The accepted side: where a <see cref="MisbehavingPeer"/> runs.</summary>
    public Socket Server { get; }

    /// <summary>Connects a new pair through a listener on 127.0.0.1:0 that is closed again at once.</summary>
    /// <param name="bufferSize">When set, the send and receive buffer size of both sockets, set before the
    /// connection is made so that the TCP window follows it. Small buffers let a test stall a send.</param>
    public static async Task<LoopbackSocketPair> CreateAsync(int? bufferSize = null)
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (bufferSize is int size)
            {
                // Accepted sockets inherit the listener's buffer sizes.
                listener.ReceiveBufferSize = listener.SendBufferSize = size;
                client.ReceiveBufferSize = client.SendBufferSize = size;
            }

            listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            listener.Listen(1);
            Task<Socket> accept = listener.AcceptAsync();
            await client.ConnectAsync(listener.LocalEndPoint!);
            Socket server = await accept;
            client.NoDelay = server.NoDelay = true;
            return new LoopbackSocketPair(client, server);
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>Disposes both sockets (each may have been disposed by its owner already).</summary>
    public void Dispose()
    {
        Client.Dispose();
        Server.Dispose();
    }
}
