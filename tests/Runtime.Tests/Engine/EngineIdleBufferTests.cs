using System.Net.Security;
using System.Security.Authentication;
using TlsShutdown.Engine;
using TlsShutdown.Tests.Infrastructure;

namespace TlsShutdown.Tests.Engine;

/// <summary>
/// Zero-byte reads on TlsEngineStream: they wait for data without a buffer (as SslStream's do), after the engine
/// trimmed its queues, and a dispose that races a pending read ends it instead of leaving it hanging.
/// </summary>
public sealed class EngineIdleBufferTests
{
    [Theory]
    [MemberData(nameof(ZooData.Protocols), MemberType = typeof(ZooData))]
    public async Task ZeroByteRead_CompletesWhenDataArrives_AndTheDataIsThenRead(SslProtocols protocol)
    {
        var (client, server) = await ConnectAsync(protocol);
        await using (client)
        await using (server)
        {
            // Traffic first, so that the engine's queues have grown and have something to give back.
            await EngineInteropTests.ExchangeAsync(client, server);

            ValueTask<int> idle = client.ReadAsync(Memory<byte>.Empty);
            Assert.False(idle.IsCompleted);
            await server.WriteAsync("hello"u8.ToArray());
            Assert.Equal(0, await idle.AsTask().WaitAsync(EngineTls.HandshakeTimeout));
            Assert.True(EngineQueues.TrimsPrivateQueues);

            byte[] data = await EngineTls.ReadExactlyAsync(client, 5);
            Assert.Equal("hello"u8.ToArray(), data);

            // Data already decrypted: a zero-byte read completes at once.
            await server.WriteAsync("more"u8.ToArray());
            Assert.Equal(4, (await EngineTls.ReadExactlyAsync(client, 4)).Length);
        }
    }

    [Theory]
    [MemberData(nameof(ZooData.Protocols), MemberType = typeof(ZooData))]
    public async Task Dispose_RacingAPendingRead_EndsIt(SslProtocols protocol)
    {
        foreach (bool zeroByte in new[] { true, false })
        {
            var (client, server) = await ConnectAsync(protocol);
            await using (server)
            {
                Task<int> pending = client.ReadAsync(zeroByte ? Memory<byte>.Empty : new byte[100]).AsTask();
                Assert.False(pending.IsCompleted);
                await client.DisposeAsync();

                Exception error = await Assert.ThrowsAnyAsync<Exception>(() => pending.WaitAsync(EngineTls.HandshakeTimeout));
                Assert.True(error is IOException or ObjectDisposedException, error.ToString());
            }
        }
    }

    private static Task<(TlsEngineStream Client, SslStream Server)> ConnectAsync(SslProtocols protocol) =>
        EngineTls.ConnectAsync(
            s => new TlsEngineStream(s),
            (c, ct) => c.AuthenticateAsClientAsync(EngineTls.ClientOptions(protocol), ct),
            s => new SslStream(s),
            (s, ct) => s.AuthenticateAsServerAsync(EngineTls.ServerOptions(protocol, TestCertificates.Ecdsa), ct));
}
