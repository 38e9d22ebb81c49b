using System.Diagnostics;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using TlsShutdown.Tests.Infrastructure;

namespace TlsShutdown.Tests.Engine;

/// <summary>
/// A <see cref="TlsEngineStream"/> client fed bytes that are not (or no longer) valid TLS, by a raw socket on
/// 127.0.0.1 or by a real SslStream server that writes raw bytes under its TLS stream. Each ends promptly with
/// exactly the documented exception: <see cref="AuthenticationException"/> for a handshake the peer broke,
/// <see cref="IOException"/> when the transport ended during the handshake, <see cref="IOException"/> (or
/// <see cref="TlsTruncationException"/> for a transport that ended) after it, and OperationCanceledException when
/// the test's own token bounds a peer that went silent. Never a hang, never BouncyCastle's own exceptions.
/// </summary>
public sealed class EngineBadInputTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan SilenceBound = TimeSpan.FromMilliseconds(300);

    // A record header that announces 64 bytes, and 20 of them.
    private static readonly byte[] TruncatedHandshakeRecord = [0x16, 0x03, 0x03, 0x00, 0x40, .. new byte[20]];
    private static readonly byte[] TruncatedApplicationRecord = [0x17, 0x03, 0x03, 0x00, 0x40, .. new byte[20]];

    public static TheoryData<SslProtocols, int> ProtocolsAndSeeds
    {
        get
        {
            var data = new TheoryData<SslProtocols, int>();
            foreach (SslProtocols protocol in TestTls.Protocols)
            {
                foreach (int seed in new[] { 1, 2, 3, 4 })
                {
                    data.Add(protocol, seed);
                }
            }

            return data;
        }
    }

    public static TheoryData<SslProtocols, string> ProtocolsAndHandshakeGarbage => Cross(HandshakeGarbage.Keys);

    public static TheoryData<SslProtocols, int> ProtocolsAndCuts
    {
        get
        {
            var data = new TheoryData<SslProtocols, int>();
            foreach (SslProtocols protocol in TestTls.Protocols)
            {
                foreach (int cut in new[] { 1, 5, 60, 300 })
                {
                    data.Add(protocol, cut);
                }
            }

            return data;
        }
    }

    public static TheoryData<SslProtocols, string, bool> ProtocolsRecordGarbageAndReadModes
    {
        get
        {
            var data = new TheoryData<SslProtocols, string, bool>();
            foreach (SslProtocols protocol in TestTls.Protocols)
            {
                foreach (string name in RecordGarbage.Keys)
                {
                    data.Add(protocol, name, false);
                    data.Add(protocol, name, true);
                }
            }

            return data;
        }
    }

    /// <summary>What a broken server sends instead of its first flight; each is refused at once, the socket open.</summary>
    private static Dictionary<string, byte[]> HandshakeGarbage { get; } = new()
    {
        ["plain text"] = "HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n"u8.ToArray(),
        ["fatal alert"] = [0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28],
        ["close_notify before the handshake completes"] = [0x15, 0x03, 0x03, 0x00, 0x02, 0x01, 0x00],
        ["alert of an unknown level"] = [0x15, 0x03, 0x03, 0x00, 0x02, 0x07, 0x00],
        ["length 0xFFFF, then data"] = [0x16, 0x03, 0x03, 0xFF, 0xFF, .. new byte[1000]],
        ["length 0xFFFF, then silence"] = [0x16, 0x03, 0x03, 0xFF, 0xFF],
        ["length 2^14 + 1, then silence"] = [0x16, 0x03, 0x03, 0x40, 0x01],
        ["unknown content type"] = [0x63, 0x03, 0x03, 0x00, 0x04, 1, 2, 3, 4],
        ["application data before the handshake"] = [0x17, 0x03, 0x03, 0x00, 0x04, 1, 2, 3, 4],
        ["ServerHello of length 0"] = [0x16, 0x03, 0x03, 0x00, 0x04, 0x02, 0x00, 0x00, 0x00],
        ["ServerHello with a huge body length"] = [0x16, 0x03, 0x03, 0x00, 0x08, 0x02, 0xFF, 0xFF, 0xFF, 1, 2, 3, 4],
        ["empty handshake record"] = [0x16, 0x03, 0x03, 0x00, 0x00],
    };

    /// <summary>What a server writes under its TLS stream after the handshake, and whether the socket then stays open.</summary>
    private static Dictionary<string, byte[]> RecordGarbage { get; } = new()
    {
        ["plain text"] = "HTTP/1.1 400 Bad Request\r\n\r\n"u8.ToArray(),
        ["length 0xFFFF, then data"] = [0x17, 0x03, 0x03, 0xFF, 0xFF, .. new byte[1000]],
        ["length 0xFFFF, then silence"] = [0x17, 0x03, 0x03, 0xFF, 0xFF],
        ["application data with a bad tag"] = [0x17, 0x03, 0x03, 0x00, 0x40, .. Enumerable.Range(0, 64).Select(i => (byte)i)],
        ["empty application data record"] = [0x17, 0x03, 0x03, 0x00, 0x00],
        ["plaintext fatal alert"] = [0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28],
        ["plaintext handshake message"] = [0x16, 0x03, 0x03, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00],
        ["unknown content type"] = [0x63, 0x03, 0x03, 0x00, 0x04, 1, 2, 3, 4],
    };

    [Theory]
    [MemberData(nameof(ProtocolsAndSeeds))]
    public async Task RandomBytesInsteadOfServerHello_AuthenticationException(SslProtocols protocol, int seed)
    {
        // More than the largest record: whatever the header says, the engine gets a whole record to judge.
        var garbage = new byte[20_000];
        new Random(seed).NextBytes(garbage);

        Exception? error = await HandshakeAgainstRawPeerAsync(protocol, peer => peer.SendAsync(garbage));

        Assert.IsType<AuthenticationException>(error);
    }

    [Theory]
    [MemberData(nameof(ProtocolsAndHandshakeGarbage))]
    public async Task GarbageInsteadOfServerHello_AuthenticationException(SslProtocols protocol, string garbage)
    {
        Exception? error = await HandshakeAgainstRawPeerAsync(protocol, peer => peer.SendAsync(HandshakeGarbage[garbage]));

        Assert.IsType<AuthenticationException>(error);
        Assert.DoesNotContain("Org.BouncyCastle", error.Message);
        if (garbage == "fatal alert")
        {
            Assert.Contains("handshake_failure", error.Message);
        }
    }

    [Theory]
    [MemberData(nameof(ProtocolsAndHandshakeGarbage))]
    public async Task EngineServer_GarbageInsteadOfClientHello_AuthenticationException(SslProtocols protocol, string garbage)
    {
        Exception? error = await ServerHandshakeAgainstRawClientAsync(protocol, client => client.SendAsync(HandshakeGarbage[garbage]));

        Assert.IsType<AuthenticationException>(error);
    }

    [Theory]
    [MemberData(nameof(ZooData.Protocols), MemberType = typeof(ZooData))]
    public async Task EngineServer_FinInsteadOfClientHello_IOException(SslProtocols protocol)
    {
        Exception? error = await ServerHandshakeAgainstRawClientAsync(protocol, client =>
        {
            client.Shutdown(SocketShutdown.Send);
            return Task.CompletedTask;
        });

        Assert.IsType<IOException>(error);
    }

    [Theory]
    [MemberData(nameof(ZooData.Protocols), MemberType = typeof(ZooData))]
    public async Task TruncatedRecordThenFin_IOException(SslProtocols protocol)
    {
        Exception? error = await HandshakeAgainstRawPeerAsync(protocol, async peer =>
        {
            await peer.SendAsync(TruncatedHandshakeRecord);
            peer.Shutdown(SocketShutdown.Send);
        });

        Assert.IsType<IOException>(error);
    }

    [Theory]
    [MemberData(nameof(ZooData.Protocols), MemberType = typeof(ZooData))]
    public async Task FinInsteadOfServerHello_IOException(SslProtocols protocol)
    {
        Exception? error = await HandshakeAgainstRawPeerAsync(protocol, peer =>
        {
            peer.Shutdown(SocketShutdown.Send);
            return Task.CompletedTask;
        });

        Assert.IsType<IOException>(error);
    }

    [Theory]
    [MemberData(nameof(ZooData.Protocols), MemberType = typeof(ZooData))]
    public async Task ResetInsteadOfServerHello_IOException(SslProtocols protocol)
    {
        Exception? error = await HandshakeAgainstRawPeerAsync(protocol, peer =>
        {
            peer.LingerState = new LingerOption(enable: true, seconds: 0);
            peer.Close();
            return Task.CompletedTask;
        });

        Assert.IsType<IOException>(error);
        Assert.NotNull(ZooAssert.FindInChain<SocketException>(error));
    }

    [Theory]
    [MemberData(nameof(ZooData.Protocols), MemberType = typeof(ZooData))]
    public async Task TruncatedRecordThenSilence_BoundedByTheToken(SslProtocols protocol)
    {
        await AssertHandshakeCanceledAsync(protocol, peer => peer.SendAsync(TruncatedHandshakeRecord));
    }

    [Theory]
    [MemberData(nameof(ZooData.Protocols), MemberType = typeof(ZooData))]
    public async Task SilentPeer_BoundedByTheToken(SslProtocols protocol)
    {
        await AssertHandshakeCanceledAsync(protocol, _ => Task.CompletedTask);
    }

    [Theory]
    [MemberData(nameof(ProtocolsAndCuts))]
    public async Task RealServerStopsHalfWayThroughItsFlight_BoundedByTheToken(SslProtocols protocol, int cut)
    {
        using LoopbackSocketPair sockets = await LoopbackSocketPair.CreateAsync();
        var cutter = new CuttingStream(new NetworkStream(sockets.Server, ownsSocket: true), cut, finAfterCut: null);
        await using var server = new SslStream(cutter);
        Task serverHandshake = server.AuthenticateAsServerAsync(TestTls.ServerOptions(protocol));
        await using var client = new TlsEngineStream(new NetworkStream(sockets.Client, ownsSocket: true));
        using var cancel = new CancellationTokenSource();

        Task handshake = client.AuthenticateAsClientAsync(TestTls.ClientOptions(protocol), cancel.Token);
        Assert.True(await cutter.Cut.WaitAsync(Bound), "The server's flight was shorter than the cut.");
        cancel.CancelAfter(SilenceBound);
        OperationCanceledException error = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => handshake.WaitAsync(Bound));

        Assert.Equal(cancel.Token, error.CancellationToken);
        Assert.False(client.IsAuthenticated);
        await client.DisposeAsync();
        await Assert.ThrowsAnyAsync<Exception>(() => serverHandshake.WaitAsync(Bound));
    }

    [Theory]
    [MemberData(nameof(ProtocolsAndCuts))]
    public async Task RealServerStopsHalfWayThroughItsFlightThenCloses_IOException(SslProtocols protocol, int cut)
    {
        using LoopbackSocketPair sockets = await LoopbackSocketPair.CreateAsync();
        var cutter = new CuttingStream(new NetworkStream(sockets.Server, ownsSocket: true), cut, finAfterCut: sockets.Server);
        await using var server = new SslStream(cutter);
        Task serverHandshake = server.AuthenticateAsServerAsync(TestTls.ServerOptions(protocol));
        await using var client = new TlsEngineStream(new NetworkStream(sockets.Client, ownsSocket: true));
        using var timeout = new CancellationTokenSource(Bound);

        Exception? error = await Record.ExceptionAsync(() => client.AuthenticateAsClientAsync(TestTls.ClientOptions(protocol), timeout.Token));

        Assert.True(await cutter.Cut.WaitAsync(Bound), "The server's flight was shorter than the cut.");
        Assert.False(timeout.IsCancellationRequested, "The handshake hung until the test's timeout.");
        Assert.IsType<IOException>(error);
        await client.DisposeAsync();
        await Assert.ThrowsAnyAsync<Exception>(() => serverHandshake.WaitAsync(Bound));
    }

    [Theory]
    [MemberData(nameof(ProtocolsRecordGarbageAndReadModes))]
    public async Task GarbageAfterTheHandshake_DataThenIOException(SslProtocols protocol, string garbage, bool sync)
    {
        await using EngineClientConnection connection = await EngineClientConnection.OpenAsync(protocol);
        byte[] payload = EngineTruncationTests.Payload(2000);
        await connection.Server.WriteAsync(payload);
        await connection.ServerTransport.WriteAsync(RecordGarbage[garbage]);

        (byte[] received, Exception? end) = await EngineTruncationTests.ReadToEndAsync(connection.Client, sync);

        Assert.Equal(payload, received);
        Assert.IsType<IOException>(end);
        Assert.DoesNotContain("Org.BouncyCastle", end.Message);

        // The failure sticks, and the stream stays usable for a close.
        Assert.IsType<IOException>(await Record.ExceptionAsync(() => EngineTruncationTests.ReadOnceAsync(connection.Client, sync)));
        Assert.IsType<IOException>(await Record.ExceptionAsync(async () => await connection.Client.WriteAsync(new byte[1])));
        TlsCloseResult result = await GracefulTlsClose.CloseAsync(connection.Client, new() { SendTimeout = Bound, PeerCloseTimeout = Bound });
        // The fatal alert already ended the connection: nothing to send, and the failure says why (issue 10, bug 9).
        Assert.Equal(TlsCloseOutcome.NotConnected, result.Outcome);
        Assert.False(result.CloseNotifySent);
        Assert.False(result.PeerCloseNotifyReceived);
        Assert.IsType<IOException>(result.Error);
        Assert.True(SocketState.IsDisposed(connection.ClientSocket));
    }

    [Theory]
    [MemberData(nameof(ZooData.ProtocolsAndSync), MemberType = typeof(ZooData))]
    public async Task TruncatedRecordThenFinAfterTheHandshake_DataThenTruncation(SslProtocols protocol, bool sync)
    {
        await using EngineClientConnection connection = await EngineClientConnection.OpenAsync(protocol);
        byte[] payload = EngineTruncationTests.Payload(2000);
        await connection.Server.WriteAsync(payload);
        await connection.ServerTransport.WriteAsync(TruncatedApplicationRecord);
        connection.ServerSocket.Shutdown(SocketShutdown.Send);

        (byte[] received, Exception? end) = await EngineTruncationTests.ReadToEndAsync(connection.Client, sync);

        Assert.Equal(payload, received);
        Assert.IsType<TlsTruncationException>(end);
    }

    [Theory]
    [MemberData(nameof(ZooData.Protocols), MemberType = typeof(ZooData))]
    public async Task TruncatedRecordThenSilenceAfterTheHandshake_ReadBoundedByTheToken(SslProtocols protocol)
    {
        await using EngineClientConnection connection = await EngineClientConnection.OpenAsync(protocol);
        byte[] payload = EngineTruncationTests.Payload(2000);
        await connection.Server.WriteAsync(payload);
        await connection.ServerTransport.WriteAsync(TruncatedApplicationRecord);
        Assert.Equal(payload, await EngineTls.ReadExactlyAsync(connection.Client, payload.Length));
        using var cancel = new CancellationTokenSource(SilenceBound);

        OperationCanceledException error = await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => connection.Client.ReadAsync(new byte[100], cancel.Token).AsTask().WaitAsync(Bound));

        Assert.Equal(cancel.Token, error.CancellationToken);
    }

    private static TheoryData<SslProtocols, string> Cross(IEnumerable<string> names)
    {
        var data = new TheoryData<SslProtocols, string>();
        foreach (SslProtocols protocol in TestTls.Protocols)
        {
            foreach (string name in names)
            {
                data.Add(protocol, name);
            }
        }

        return data;
    }

    /// <summary>Runs a client handshake against a raw socket that reads the ClientHello, then behaves as told.</summary>
    /// <returns>What the handshake threw, within <see cref="Bound"/>.</returns>
    private static async Task<Exception?> HandshakeAgainstRawPeerAsync(SslProtocols protocol, Func<Socket, Task> behave)
    {
        using LoopbackSocketPair sockets = await LoopbackSocketPair.CreateAsync();
        await using var client = new TlsEngineStream(new NetworkStream(sockets.Client, ownsSocket: true));
        using var timeout = new CancellationTokenSource(Bound);
        Task handshake = client.AuthenticateAsClientAsync(TestTls.ClientOptions(protocol), timeout.Token);
        await ReadClientHelloAsync(sockets.Server);
        await behave(sockets.Server);

        Exception? error = await Record.ExceptionAsync(() => handshake);

        Assert.False(timeout.IsCancellationRequested, "The handshake hung until the test's timeout.");
        Assert.False(client.IsAuthenticated);
        return error;
    }

    /// <summary>Runs a TlsEngineStream server handshake against a raw client socket that behaves as told.</summary>
    private static async Task<Exception?> ServerHandshakeAgainstRawClientAsync(SslProtocols protocol, Func<Socket, Task> behave)
    {
        using LoopbackSocketPair sockets = await LoopbackSocketPair.CreateAsync();
        await using var server = new TlsEngineStream(new NetworkStream(sockets.Server, ownsSocket: true));
        using var timeout = new CancellationTokenSource(Bound);
        Task handshake = server.AuthenticateAsServerAsync(TestTls.ServerOptions(protocol), timeout.Token);
        await behave(sockets.Client);

        Exception? error = await Record.ExceptionAsync(() => handshake);

        Assert.False(timeout.IsCancellationRequested, "The handshake hung until the test's timeout.");
        Assert.False(server.IsAuthenticated);
        return error;
    }

    private static async Task AssertHandshakeCanceledAsync(SslProtocols protocol, Func<Socket, Task> behave)
    {
        using LoopbackSocketPair sockets = await LoopbackSocketPair.CreateAsync();
        await using var client = new TlsEngineStream(new NetworkStream(sockets.Client, ownsSocket: true));
        using var cancel = new CancellationTokenSource();
        Task handshake = client.AuthenticateAsClientAsync(TestTls.ClientOptions(protocol), cancel.Token);
        await ReadClientHelloAsync(sockets.Server);
        await behave(sockets.Server);
        cancel.CancelAfter(SilenceBound);
        var clock = Stopwatch.StartNew();

        OperationCanceledException error = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => handshake.WaitAsync(Bound));

        Assert.Equal(cancel.Token, error.CancellationToken);
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, Bound);
        Assert.False(client.IsAuthenticated);
    }

    /// <summary>Reads one whole TLS record: the client's first flight, a ClientHello.</summary>
    private static async Task ReadClientHelloAsync(Socket peer)
    {
        var header = new byte[5];
        await ReceiveExactlyAsync(peer, header);
        Assert.Equal(0x16, header[0]);
        await ReceiveExactlyAsync(peer, new byte[(header[3] << 8) | header[4]]);
    }

    private static async Task ReceiveExactlyAsync(Socket peer, byte[] buffer)
    {
        using var timeout = new CancellationTokenSource(Bound);
        for (int received = 0; received < buffer.Length;)
        {
            int read = await peer.ReceiveAsync(buffer.AsMemory(received), SocketFlags.None, timeout.Token);
            Assert.NotEqual(0, read);
            received += read;
        }
    }

    /// <summary>A server's transport that passes the first <c>limit</c> bytes written, then drops the rest (the
    /// server believes they left), and optionally sends a FIN at the cut.</summary>
    private sealed class CuttingStream(NetworkStream inner, int limit, Socket? finAfterCut) : NonSeekableStream
    {
        private readonly TaskCompletionSource<bool> _cut = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _passed;

        public Task<bool> Cut => _cut.Task;

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            inner.ReadAsync(buffer, offset, count, cancellationToken);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            inner.ReadAsync(buffer, cancellationToken);

        public override void Write(byte[] buffer, int offset, int count) =>
            WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            int pass = Math.Min(buffer.Length, limit - _passed);
            if (pass > 0)
            {
                await inner.WriteAsync(buffer[..pass], cancellationToken);
                _passed += pass;
            }

            if (pass < buffer.Length && !_cut.Task.IsCompleted)
            {
                finAfterCut?.Shutdown(SocketShutdown.Send);
                _cut.TrySetResult(true);
            }
        }

        public override void Flush() => inner.Flush();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _cut.TrySetResult(false);
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
