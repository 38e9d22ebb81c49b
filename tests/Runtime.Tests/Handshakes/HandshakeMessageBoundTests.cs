using System.Diagnostics;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using TlsShutdown.Tests.Infrastructure;
using static TlsShutdown.Tests.Handshakes.HandshakeCalls;

namespace TlsShutdown.Tests.Handshakes;

/// <summary>
/// What bounds a handshake whose peer makes progress, slowly or hugely. A first message that claims megabytes ends at
/// once on a size limit (TlsEngineStream: BouncyCastle's 32 KiB per handshake message, an internal_error alert and
/// an AuthenticationException that says so; SslStream: OpenSSL's own limit), without waiting for the bytes. A
/// handshake that trickles in, each byte resetting any per-read timeout, ends at <see cref="TlsHandshake"/>'s limit.
/// </summary>
public sealed class HandshakeMessageBoundTests
{
    // A TLS record (handshake, TLS 1.0 record version, 4 bytes) carrying only a handshake header that claims a
    // message of 2^24 - 1 bytes (16 MiB).
    private static byte[] HugeHeader(byte handshakeType) => [22, 3, 1, 0, 4, handshakeType, 0xFF, 0xFF, 0xFF];

    [Theory]
    [MemberData(nameof(TypesAndProtocols), MemberType = typeof(HandshakeCalls))]
    public async Task Server_refuses_a_ClientHello_that_claims_16_MiB_at_once(string streamType, SslProtocols protocol)
    {
        using LoopbackSocketPair sockets = await LoopbackSocketPair.CreateAsync();
        await using Stream tls = Create(streamType, new NetworkStream(sockets.Server, ownsSocket: true));
        await sockets.Client.SendAsync(HugeHeader(1));

        Exception error = await EndsWithoutTimeoutAsync(() => ServerAsync(tls, TestTls.ServerOptions(protocol), TimeSpan.FromSeconds(30), sync: false));

        AssertSaysWhy(streamType, error, "client_hello");
    }

    [Theory]
    [MemberData(nameof(TypesAndProtocols), MemberType = typeof(HandshakeCalls))]
    public async Task Client_refuses_a_ServerHello_that_claims_16_MiB_at_once(string streamType, SslProtocols protocol)
    {
        using LoopbackSocketPair sockets = await LoopbackSocketPair.CreateAsync();
        await using Stream tls = Create(streamType, new NetworkStream(sockets.Client, ownsSocket: true));
        Task handshake = ClientAsync(tls, TestTls.ClientOptions(protocol), TimeSpan.FromSeconds(30), sync: false);
        await WaitForBytesAsync(sockets.Server);
        await sockets.Server.SendAsync(HugeHeader(2));

        Exception error = await EndsWithoutTimeoutAsync(() => handshake);

        AssertSaysWhy(streamType, error, "server_hello");
    }

    [Theory]
    [MemberData(nameof(TypesAndProtocols), MemberType = typeof(HandshakeCalls))]
    public async Task A_ClientHello_that_trickles_in_ends_at_the_handshake_limit(string streamType, SslProtocols protocol)
    {
        using LoopbackSocketPair sockets = await LoopbackSocketPair.CreateAsync();

        // A real SslStream client whose bytes leave one every 50 ms: its ClientHello alone takes over 10 s.
        var trickle = new TricklingStream(new NetworkStream(sockets.Client, ownsSocket: true), TimeSpan.FromMilliseconds(50));
        await using var client = new SslStream(trickle);
        Task clientHandshake = client.AuthenticateAsClientAsync(TestTls.ClientOptions(protocol));
        Stream tls = Create(streamType, new NetworkStream(sockets.Server, ownsSocket: true));
        TimeSpan limit = TimeSpan.FromSeconds(1);

        var clock = Stopwatch.StartNew();
        await Assert.ThrowsAsync<TimeoutException>(() => ServerAsync(tls, TestTls.ServerOptions(protocol), limit, sync: false).WaitAsync(Generous));

        Assert.InRange(clock.Elapsed, limit - TimeSpan.FromMilliseconds(50), Generous);
        Assert.InRange(trickle.BytesWritten, 2, 1000);   // the peer was making progress when the limit struck
        await client.DisposeAsync();
        await Assert.ThrowsAnyAsync<Exception>(() => clientHandshake).WaitAsync(Generous);
    }

    /// <summary>Awaits the failed handshake: it must fail on its own (a size limit), well before its 30 s limit.</summary>
    private static async Task<Exception> EndsWithoutTimeoutAsync(Func<Task> handshake)
    {
        var clock = Stopwatch.StartNew();
        Exception? error = await Record.ExceptionAsync(() => handshake().WaitAsync(Generous));
        Assert.NotNull(error);
        Assert.IsNotType<TimeoutException>(error);
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(15));
        return error;
    }

    private static void AssertSaysWhy(string streamType, Exception error, string message)
    {
        if (streamType == EngineType)
        {
            var refused = Assert.IsType<AuthenticationException>(error);
            Assert.Contains("exceeds the maximum", refused.Message);
            Assert.Contains(message, refused.Message);
        }
        else
        {
            Assert.True(error is AuthenticationException or IOException, error.ToString());
        }
    }
}
