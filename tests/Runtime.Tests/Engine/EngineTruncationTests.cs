using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using TlsShutdown.Tests.Infrastructure;

namespace TlsShutdown.Tests.Engine;

/// <summary>
/// How a <see cref="TlsEngineStream"/> read ends: all the data, then 0 after the peer's close_notify (again and
/// again), or <see cref="TlsTruncationException"/> when the transport ends without one. A real SslStream server
/// over loopback, TLS 1.2 and 1.3, sync and async reads.
/// </summary>
public sealed class EngineTruncationTests
{
    private static readonly TimeSpan ReadBound = TimeSpan.FromSeconds(10);

    public static TheoryData<SslProtocols, bool, int> ProtocolsReadModesAndSizes
    {
        get
        {
            var data = new TheoryData<SslProtocols, bool, int>();
            foreach (SslProtocols protocol in TestTls.Protocols)
            {
                foreach (bool sync in new[] { false, true })
                {
                    foreach (int size in new[] { 0, 1, 70_000 })
                    {
                        data.Add(protocol, sync, size);
                    }
                }
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(ProtocolsReadModesAndSizes))]
    public async Task PeerWritesThenFinWithoutCloseNotify_AllDataThenTruncation(SslProtocols protocol, bool sync, int size)
    {
        await using EngineClientConnection connection = await EngineClientConnection.OpenAsync(protocol);
        byte[] payload = Payload(size);
        await connection.Server.WriteAsync(payload);
        connection.ServerSocket.Shutdown(SocketShutdown.Send);

        (byte[] received, Exception? end) = await ReadToEndAsync(connection.Client, sync);

        Assert.Equal(payload, received);
        Assert.IsType<TlsTruncationException>(end);
        Assert.False(connection.Client.CloseNotifyReceived);

        // The failure sticks: every later read says the same, without touching the transport again.
        Exception? again = await Record.ExceptionAsync(() => ReadOnceAsync(connection.Client, sync));
        Assert.IsType<TlsTruncationException>(again);
    }

    [Theory]
    [MemberData(nameof(ZooData.ProtocolsAndSync), MemberType = typeof(ZooData))]
    public async Task PeerWritesThenResets_AllDataThenTruncation(SslProtocols protocol, bool sync)
    {
        await using EngineClientConnection connection = await EngineClientConnection.OpenAsync(protocol);
        byte[] payload = Payload(5000);
        await connection.Server.WriteAsync(payload);

        // Read the data first: a reset discards what the client's kernel has not handed out yet.
        Assert.Equal(payload, await EngineTls.ReadExactlyAsync(connection.Client, payload.Length));
        connection.ServerSocket.LingerState = new LingerOption(enable: true, seconds: 0);
        connection.ServerSocket.Close();

        (byte[] received, Exception? end) = await ReadToEndAsync(connection.Client, sync);

        Assert.Empty(received);
        Assert.IsType<TlsTruncationException>(end);
        SocketException? reset = ZooAssert.FindInChain<SocketException>(end);
        Assert.NotNull(reset);
        Assert.Equal(SocketError.ConnectionReset, reset.SocketErrorCode);
    }

    [Theory]
    [MemberData(nameof(ProtocolsReadModesAndSizes))]
    public async Task PeerWritesThenCloseNotify_AllDataThenZero_AndZeroAgain(SslProtocols protocol, bool sync, int size)
    {
        await using EngineClientConnection connection = await EngineClientConnection.OpenAsync(protocol);
        byte[] payload = Payload(size);
        await connection.Server.WriteAsync(payload);
        await connection.Server.ShutdownAsync();

        // The TCP connection stays open: only the close_notify ends the reads.
        (byte[] received, Exception? end) = await ReadToEndAsync(connection.Client, sync);

        Assert.Null(end);
        Assert.Equal(payload, received);
        Assert.True(connection.Client.CloseNotifyReceived);
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(0, await ReadOnceAsync(connection.Client, sync));
        }

        if (protocol == SslProtocols.Tls13)
        {
            // TLS 1.3 half-close: the peer's close_notify ended its direction only; ours stays open until we close it.
            await connection.Client.WriteAsync("reply"u8.ToArray());
            Assert.Equal("reply"u8.ToArray(), await EngineTls.ReadExactlyAsync(connection.Server, 5));
            await connection.Client.ShutdownAsync();
        }

        // TLS 1.2: the engine answered with its own close_notify at once. Either way the server sees a clean end.
        Assert.Equal(0, await connection.Server.ReadAsync(new byte[1]).AsTask().WaitAsync(ReadBound));
    }

    [Theory]
    [MemberData(nameof(ZooData.ProtocolsAndSync), MemberType = typeof(ZooData))]
    public async Task PeerWritesThenCloseNotifyThenFin_AllDataThenZero(SslProtocols protocol, bool sync)
    {
        await using EngineClientConnection connection = await EngineClientConnection.OpenAsync(protocol);
        byte[] payload = Payload(40_000);
        await connection.Server.WriteAsync(payload);
        await connection.Server.ShutdownAsync();
        connection.ServerSocket.Shutdown(SocketShutdown.Send);

        (byte[] received, Exception? end) = await ReadToEndAsync(connection.Client, sync);

        Assert.Null(end);
        Assert.Equal(payload, received);
        Assert.Equal(0, await ReadOnceAsync(connection.Client, sync));
    }

    [Theory]
    [MemberData(nameof(ZooData.Protocols), MemberType = typeof(ZooData))]
    public async Task WritesAfterOurCloseNotify_ThrowInvalidOperationException_ReadsGoOn(SslProtocols protocol)
    {
        await using EngineClientConnection connection = await EngineClientConnection.OpenAsync(protocol);
        await connection.Client.ShutdownAsync();
        Assert.True(connection.Client.CloseNotifySent);

        await Assert.ThrowsAsync<InvalidOperationException>(async () => await connection.Client.WriteAsync(new byte[1]));
        await Assert.ThrowsAsync<InvalidOperationException>(() => connection.Client.WriteAsync(new byte[1], 0, 1));
        Assert.Throws<InvalidOperationException>(() => connection.Client.Write(new byte[1], 0, 1));
        Assert.Throws<InvalidOperationException>(() => connection.Client.Write([1, 2, 3]));

        // The server saw our close_notify and nothing after it; its own direction still carries data (half-close).
        Assert.Equal(0, await connection.Server.ReadAsync(new byte[1]).AsTask().WaitAsync(ReadBound));
        byte[] payload = Payload(3000);
        await connection.Server.WriteAsync(payload);
        await connection.Server.ShutdownAsync();
        (byte[] received, Exception? end) = await ReadToEndAsync(connection.Client, sync: false);
        Assert.Null(end);
        Assert.Equal(payload, received);

        // A second shutdown is a no-op; writes stay refused.
        await connection.Client.ShutdownAsync();
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await connection.Client.WriteAsync(new byte[1]));
    }

    internal static byte[] Payload(int size)
    {
        var payload = new byte[size];
        for (int i = 0; i < size; i++)
        {
            payload[i] = (byte)((i * 31) % 251);
        }

        return payload;
    }

    /// <summary>Reads until 0 or an exception; returns the data and the exception (null after a 0).</summary>
    internal static async Task<(byte[] Data, Exception? End)> ReadToEndAsync(TlsEngineStream stream, bool sync)
    {
        using var received = new MemoryStream();
        using var timeout = new CancellationTokenSource(ReadBound);
        var buffer = new byte[7000];
        try
        {
            while (true)
            {
                int read = sync
                    ? await Task.Run(() => stream.Read(buffer, 0, buffer.Length)).WaitAsync(ReadBound)
                    : await stream.ReadAsync(buffer, timeout.Token);
                if (read == 0)
                {
                    return (received.ToArray(), null);
                }

                received.Write(buffer, 0, read);
            }
        }
        catch (Exception error) when (error is not TimeoutException)
        {
            Assert.False(timeout.IsCancellationRequested, "A read hung until the test's timeout.");
            return (received.ToArray(), error);
        }
    }

    internal static async Task<int> ReadOnceAsync(TlsEngineStream stream, bool sync)
    {
        var buffer = new byte[100];
        return sync
            ? await Task.Run(() => stream.Read(buffer.AsSpan())).WaitAsync(ReadBound)
            : await stream.ReadAsync(buffer.AsMemory()).AsTask().WaitAsync(ReadBound);
    }
}
