using System.Security.Authentication;
using Org.BouncyCastle.Tls;
using TlsShutdown.Tests.Infrastructure;

namespace TlsShutdown.Tests.Engine;

/// <summary>
/// "Any data received after a closure alert has been received MUST be ignored" (RFC 8446 §6.1; RFC 5246 §7.2.1):
/// also when it comes in the same transport read as the close_notify.
/// </summary>
public sealed class EngineDataAfterCloseNotifyTests
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(20);

    [Theory]
    [MemberData(nameof(ZooData.ProtocolsAndSync), MemberType = typeof(ZooData))]
    public async Task DataAfterThePeersCloseNotify_InTheSameWrite_IsNeverReturned(SslProtocols protocol, bool sync)
    {
        await using NoisyServerConnection connection = await NoisyServerConnection.OpenAsync(protocol);

        // One transport write: data, close_notify, then more data that the close_notify has made void.
        await connection.Server.SendAsync(
            static p =>
            {
                p.WriteApplicationData("before"u8.ToArray(), 0, 6);
                p.SendWarning(AlertDescription.close_notify);
                p.WriteApplicationData("after"u8.ToArray(), 0, 5);
            },
            1).WaitAsync(Guard);

        (byte[] received, Exception? end) = await EngineTruncationTests.ReadToEndAsync(connection.Client, sync).WaitAsync(Guard);

        Assert.Null(end);
        Assert.Equal("before"u8.ToArray(), received);
        Assert.True(connection.Client.CloseNotifyReceived);
        Assert.Equal(0, await EngineTruncationTests.ReadOnceAsync(connection.Client, sync).WaitAsync(Guard));
    }

    [Theory]
    [MemberData(nameof(ZooData.ProtocolsAndSync), MemberType = typeof(ZooData))]
    public async Task DataAfterThePeersCloseNotify_InALaterWrite_IsNeverReturned(SslProtocols protocol, bool sync)
    {
        await using NoisyServerConnection connection = await NoisyServerConnection.OpenAsync(protocol);
        await connection.Server.SendAsync(static p => p.SendWarning(AlertDescription.close_notify), 1).WaitAsync(Guard);
        Assert.Equal(0, await EngineTruncationTests.ReadOnceAsync(connection.Client, sync).WaitAsync(Guard));

        await connection.Server.SendAsync(static p => p.WriteApplicationData("after"u8.ToArray(), 0, 5), 1).WaitAsync(Guard);

        Assert.Equal(0, await EngineTruncationTests.ReadOnceAsync(connection.Client, sync).WaitAsync(Guard));
        Assert.True(connection.Client.CloseNotifyReceived);
    }
}
