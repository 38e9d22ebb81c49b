using System.Diagnostics;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using TlsShutdown.Tests.Infrastructure;
using static TlsShutdown.Tests.Handshakes.HandshakeCalls;

namespace TlsShutdown.Tests.Handshakes;

/// <summary>
/// <see cref="TlsHandshake"/> ends within its time limit against real peers that never finish the handshake: silent
/// ones, and real TLS stacks whose output stops in the middle of a flight. At the limit it throws
/// <see cref="TimeoutException"/> with the stream and its transport disposed, even a leave-open transport.
/// </summary>
public sealed class HandshakeBoundTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMilliseconds(500);

    // Timers fire at or after their due time; a little slack for the clock's granularity.
    private static readonly TimeSpan NotBefore = Limit - TimeSpan.FromMilliseconds(50);

    [Theory]
    [MemberData(nameof(All), MemberType = typeof(HandshakeCalls))]
    public async Task Client_against_a_silent_server_times_out(string streamType, SslProtocols protocol, bool sync)
    {
        using LoopbackSocketPair sockets = await LoopbackSocketPair.CreateAsync();
        Stream tls = Create(streamType, new NetworkStream(sockets.Client, ownsSocket: true), leaveInnerStreamOpen: true);

        var clock = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<TimeoutException>(() => ClientAsync(tls, TestTls.ClientOptions(protocol), Limit, sync).WaitAsync(Generous));

        Assert.InRange(clock.Elapsed, NotBefore, Generous);
        Assert.Contains(streamType, error.Message);
        await AssertAbandonedAsync(tls, sockets.Client, sockets.Server, expectHello: true);
    }

    [Theory]
    [MemberData(nameof(All), MemberType = typeof(HandshakeCalls))]
    public async Task Server_against_a_silent_client_times_out(string streamType, SslProtocols protocol, bool sync)
    {
        using LoopbackSocketPair sockets = await LoopbackSocketPair.CreateAsync();
        Stream tls = Create(streamType, new NetworkStream(sockets.Server, ownsSocket: true));

        var clock = Stopwatch.StartNew();
        await Assert.ThrowsAsync<TimeoutException>(() => ServerAsync(tls, TestTls.ServerOptions(protocol), Limit, sync).WaitAsync(Generous));

        Assert.InRange(clock.Elapsed, NotBefore, Generous);
        await AssertAbandonedAsync(tls, sockets.Server, sockets.Client, expectHello: false);
    }

    [Theory]
    [MemberData(nameof(All), MemberType = typeof(HandshakeCalls))]
    public async Task Client_against_a_server_that_stalls_mid_flight_times_out(string streamType, SslProtocols protocol, bool sync)
    {
        using LoopbackSocketPair sockets = await LoopbackSocketPair.CreateAsync();

        // A real SslStream server whose first flight stops after 40 bytes: the ServerHello record is cut short.
        var stalling = new StallingStream(new NetworkStream(sockets.Server, ownsSocket: true), limit: 40);
        await using var server = new SslStream(stalling);
        Task serverHandshake = server.AuthenticateAsServerAsync(TestTls.ServerOptions(protocol));
        Stream tls = Create(streamType, new NetworkStream(sockets.Client, ownsSocket: true));

        await Assert.ThrowsAsync<TimeoutException>(() => ClientAsync(tls, TestTls.ClientOptions(protocol), Limit, sync).WaitAsync(Generous));

        Assert.True(stalling.Stalled.IsCompleted, "The server did not stall in its first flight: the test tests nothing.");
        Assert.True(SocketState.IsDisposed(sockets.Client));
        await StopStalledPeerAsync(server, serverHandshake);
    }

    [Theory]
    [MemberData(nameof(All), MemberType = typeof(HandshakeCalls))]
    public async Task Server_against_a_client_that_stalls_mid_hello_times_out(string streamType, SslProtocols protocol, bool sync)
    {
        using LoopbackSocketPair sockets = await LoopbackSocketPair.CreateAsync();

        // A real SslStream client whose ClientHello stops after 20 bytes.
        var stalling = new StallingStream(new NetworkStream(sockets.Client, ownsSocket: true), limit: 20);
        await using var client = new SslStream(stalling);
        Task clientHandshake = client.AuthenticateAsClientAsync(TestTls.ClientOptions(protocol));
        Stream tls = Create(streamType, new NetworkStream(sockets.Server, ownsSocket: true));

        await Assert.ThrowsAsync<TimeoutException>(() => ServerAsync(tls, TestTls.ServerOptions(protocol), Limit, sync).WaitAsync(Generous));

        Assert.True(stalling.Stalled.IsCompleted, "The client did not stall in its hello: the test tests nothing.");
        Assert.True(SocketState.IsDisposed(sockets.Server));
        await StopStalledPeerAsync(client, clientHandshake);
    }

    [Theory]
    [MemberData(nameof(TypesAndProtocols), MemberType = typeof(HandshakeCalls))]
    public async Task Caller_cancellation_throws_OperationCanceledException_and_disposes(string streamType, SslProtocols protocol)
    {
        using LoopbackSocketPair sockets = await LoopbackSocketPair.CreateAsync();
        Stream tls = Create(streamType, new NetworkStream(sockets.Client, ownsSocket: true));
        using var cancellation = new CancellationTokenSource();

        Task handshake = ClientAsync(tls, TestTls.ClientOptions(protocol), TimeSpan.FromMinutes(5), sync: false, cancellation.Token);
        await WaitForBytesAsync(sockets.Server);
        cancellation.Cancel();

        var error = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => handshake.WaitAsync(Generous));
        Assert.Equal(cancellation.Token, error.CancellationToken);
        await AssertAbandonedAsync(tls, sockets.Client, sockets.Server, expectHello: true);
    }

    [Theory]
    [MemberData(nameof(TypesAndProtocols), MemberType = typeof(HandshakeCalls))]
    public async Task A_token_canceled_before_the_call_leaves_the_stream_untouched(string streamType, SslProtocols protocol)
    {
        using LoopbackSocketPair sockets = await LoopbackSocketPair.CreateAsync();
        await using Stream tls = Create(streamType, new NetworkStream(sockets.Client, ownsSocket: true));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => ClientAsync(tls, TestTls.ClientOptions(protocol), timeout: null, sync: false, new CancellationToken(canceled: true)));

        Assert.False(SocketState.IsDisposed(sockets.Client));
        Assert.Equal(0, sockets.Server.Available);
    }

    [Theory]
    [MemberData(nameof(All), MemberType = typeof(HandshakeCalls))]
    public async Task Within_the_limit_both_sides_authenticate_and_exchange_data(string streamType, SslProtocols protocol, bool sync)
    {
        using LoopbackSocketPair sockets = await LoopbackSocketPair.CreateAsync();
        await using Stream client = Create(streamType, new NetworkStream(sockets.Client, ownsSocket: true));
        await using Stream server = Create(streamType, new NetworkStream(sockets.Server, ownsSocket: true));

        await Task.WhenAll(
            ClientAsync(client, TestTls.ClientOptions(protocol), timeout: null, sync),
            ServerAsync(server, TestTls.ServerOptions(protocol), timeout: null, sync)).WaitAsync(Generous);

        Assert.Equal(protocol, client is SslStream s ? s.SslProtocol : ((TlsEngineStream)client).SslProtocol);
        await client.WriteAsync("ping"u8.ToArray());
        var received = new byte[4];
        await server.ReadExactlyAsync(received).AsTask().WaitAsync(Generous);
        Assert.Equal("ping"u8.ToArray(), received);
    }

    [Theory]
    [MemberData(nameof(All), MemberType = typeof(HandshakeCalls))]
    public async Task A_refused_certificate_fails_as_the_stream_fails_it(string streamType, SslProtocols protocol, bool sync)
    {
        using LoopbackSocketPair sockets = await LoopbackSocketPair.CreateAsync();
        await using Stream client = Create(streamType, new NetworkStream(sockets.Client, ownsSocket: true));
        await using var server = new SslStream(new NetworkStream(sockets.Server, ownsSocket: true));
        SslClientAuthenticationOptions options = TestTls.ClientOptions(protocol);
        options.RemoteCertificateValidationCallback = static (_, _, _, _) => false;

        Task serverHandshake = server.AuthenticateAsServerAsync(TestTls.ServerOptions(protocol));
        var error = await Assert.ThrowsAsync<AuthenticationException>(() => ClientAsync(client, options, timeout: null, sync).WaitAsync(Generous));

        Assert.Contains("certificate", error.ToString(), StringComparison.OrdinalIgnoreCase);

        // The server may complete its side first (our refusal reaches it as an alert, or as the connection's end).
        await Record.ExceptionAsync(() => serverHandshake.WaitAsync(Generous));
    }

    [Theory]
    [MemberData(nameof(All), MemberType = typeof(HandshakeCalls))]
    public async Task A_fatal_alert_from_the_peer_fails_as_the_stream_fails_it(string streamType, SslProtocols protocol, bool sync)
    {
        // The server speaks only the other version: it answers the ClientHello with a protocol_version alert.
        SslProtocols other = protocol == SslProtocols.Tls12 ? SslProtocols.Tls13 : SslProtocols.Tls12;
        using LoopbackSocketPair sockets = await LoopbackSocketPair.CreateAsync();
        await using Stream client = Create(streamType, new NetworkStream(sockets.Client, ownsSocket: true));
        await using var server = new SslStream(new NetworkStream(sockets.Server, ownsSocket: true));

        Task serverHandshake = server.AuthenticateAsServerAsync(TestTls.ServerOptions(other));
        await Assert.ThrowsAsync<AuthenticationException>(() => ClientAsync(client, TestTls.ClientOptions(protocol), timeout: null, sync).WaitAsync(Generous));
        await Assert.ThrowsAnyAsync<Exception>(() => serverHandshake.WaitAsync(Generous));
    }

    [Theory]
    [MemberData(nameof(All), MemberType = typeof(HandshakeCalls))]
    public async Task A_peer_that_closes_mid_handshake_fails_with_IOException(string streamType, SslProtocols protocol, bool sync)
    {
        using LoopbackSocketPair sockets = await LoopbackSocketPair.CreateAsync();
        await using Stream client = Create(streamType, new NetworkStream(sockets.Client, ownsSocket: true));

        Task handshake = ClientAsync(client, TestTls.ClientOptions(protocol), timeout: null, sync);
        await WaitForBytesAsync(sockets.Server);
        sockets.Server.Shutdown(SocketShutdown.Send);

        await Assert.ThrowsAsync<IOException>(() => handshake.WaitAsync(Generous));
    }

    [Fact]
    public async Task Arguments_are_validated()
    {
        using LoopbackSocketPair sockets = await LoopbackSocketPair.CreateAsync();
        await using var ssl = new SslStream(new NetworkStream(sockets.Client, ownsSocket: false));
        await using var engine = new TlsEngineStream(new NetworkStream(sockets.Client, ownsSocket: false));
        SslClientAuthenticationOptions client = TestTls.ClientOptions(SslProtocols.Tls13);
        SslServerAuthenticationOptions server = TestTls.ServerOptions(SslProtocols.Tls13);

        Assert.Throws<ArgumentNullException>("stream", () => { _ = TlsHandshake.AuthenticateAsClientAsync((SslStream)null!, client); });
        Assert.Throws<ArgumentNullException>("stream", () => { _ = TlsHandshake.AuthenticateAsServerAsync((TlsEngineStream)null!, server); });
        Assert.Throws<ArgumentNullException>("options", () => { _ = TlsHandshake.AuthenticateAsClientAsync(engine, null!); });
        Assert.Throws<ArgumentNullException>("options", () => TlsHandshake.AuthenticateAsServer(ssl, null!));
        foreach (TimeSpan bad in new[] { TimeSpan.Zero, TimeSpan.FromSeconds(-1), Timeout.InfiniteTimeSpan, TimeSpan.FromDays(50) })
        {
            Assert.Throws<ArgumentOutOfRangeException>("timeout", () => { _ = TlsHandshake.AuthenticateAsClientAsync(ssl, client, bad); });
            Assert.Throws<ArgumentOutOfRangeException>("timeout", () => { _ = TlsHandshake.AuthenticateAsServerAsync(engine, server, bad); });
            Assert.Throws<ArgumentOutOfRangeException>("timeout", () => TlsHandshake.AuthenticateAsClient(engine, client, bad));
            Assert.Throws<ArgumentOutOfRangeException>("timeout", () => TlsHandshake.AuthenticateAsServer(ssl, server, bad));
        }

        // Nothing was started: the transport is intact and nothing was sent.
        Assert.False(SocketState.IsDisposed(sockets.Client));
        Assert.Equal(0, sockets.Server.Available);
        Assert.Equal(TimeSpan.FromSeconds(10), TlsHandshake.DefaultTimeout);
    }

    /// <summary>Releases the stalled peer's held write; its handshake then fails.</summary>
    private static async Task StopStalledPeerAsync(SslStream peer, Task peerHandshake)
    {
        await peer.DisposeAsync();
        await Assert.ThrowsAnyAsync<Exception>(() => peerHandshake).WaitAsync(Generous);
    }

    /// <summary>The handshake was abandoned: our stream and socket are disposed, and the peer sees the connection end.</summary>
    private static async Task AssertAbandonedAsync(Stream tls, Socket ours, Socket peer, bool expectHello)
    {
        Assert.True(SocketState.IsDisposed(ours), "The transport was left open.");
        await Assert.ThrowsAnyAsync<ObjectDisposedException>(() => tls.ReadAsync(new byte[1]).AsTask());
        int received = await ReadUntilEndAsync(peer);
        if (expectHello)
        {
            Assert.True(received > 0, "The peer never saw the ClientHello.");
        }
    }
}
