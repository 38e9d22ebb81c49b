using System.Net.Sockets;
using System.Security.Authentication;
using TlsShutdown.Tests.Infrastructure;

namespace TlsShutdown.Tests.Engine;

/// <summary>
/// While a write is stalled (the peer does not read), the records the engine sends by itself wait for the transport;
/// a peer that keeps asking for them must not make them grow without bound (<see cref="TlsEngineStream.MaxPendingEngineOutput"/>).
/// </summary>
public sealed class EngineBackpressureTests
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);

    // The engine answers each of these with a record; they are interleaved with data, so the limit on records
    // without data (32 in a row) does not end the connection first.
    private const int RequestsPerDataRecord = 16;

    // Without a bound, this many batches queue 4000 × 16 no_renegotiation alerts (about 2 MiB) behind the stalled write.
    private const int MaxBatches = 4000;

    // What may wait: the limit, plus the answers to the one transport read (32 KiB of records) that crossed it.
    private const int Bound = TlsEngineStream.MaxPendingEngineOutput + (32 * 1024);

    [Theory]
    [MemberData(nameof(ZooData.Sync), MemberType = typeof(ZooData))]
    public async Task Tls12_WhileAWriteIsStalled_HelloRequestsHoldTheReaderBack_ThenEverythingFlowsAgain(bool sync)
    {
        await using NoisyServerConnection connection = await NoisyServerConnection.OpenAsync(SslProtocols.Tls12, socketBufferSize: 8 * 1024);
        Task stalledWrite = await SendBufferFiller.FillAsync(connection.Client, connection.ClientSocket, connection.ServerSocket);
        Task<long> reading = ReadToEndAsync(connection.Client, sync);

        // One byte of data and 16 renegotiation requests, again and again, while reading nothing of ours: the
        // client must stop reading once its refusals pile up, so the peer's own sends stall in turn.
        int batches = 0;
        Task stalledFlood = await SendBufferFiller.FillAsync(
            async () =>
            {
                await connection.Server.SendAsync(
                    static p =>
                    {
                        p.WriteApplicationData([1], 0, 1);
                        for (int i = 0; i < RequestsPerDataRecord; i++)
                        {
                            p.SendHelloRequest();
                        }
                    },
                    1);
                batches++;
            },
            connection.ServerSocket,
            connection.ClientSocket,
            MaxBatches).WaitAsync(Guard);

        Assert.InRange(connection.Client.PendingEngineOutput, 0, Bound);
        Assert.False(stalledWrite.IsCompleted);
        Assert.False(reading.IsCompleted);

        // The peer reads again (and throws away) what we send: the write, then the refusals, go out, and the
        // reader takes the rest of the data, up to the peer's close_notify.
        Task draining = DiscardAsync(connection.ServerSocket);
        await stalledWrite.WaitAsync(Guard);
        await stalledFlood.WaitAsync(Guard);
        await connection.Server.SendAsync(static p => p.Close(), 1);

        Assert.Equal(batches, await reading.WaitAsync(Guard));
        Assert.True(connection.Client.CloseNotifyReceived);
        connection.ServerSocket.Shutdown(SocketShutdown.Both);
        await draining.WaitAsync(Guard);
    }

    [Theory]
    [MemberData(nameof(ZooData.Sync), MemberType = typeof(ZooData))]
    public async Task Tls13_WhileAWriteIsStalled_KeyUpdateRequestsLeaveOneAnswerPending(bool sync)
    {
        await using NoisyServerConnection connection = await NoisyServerConnection.OpenAsync(SslProtocols.Tls13, socketBufferSize: 8 * 1024);
        Task stalledWrite = await SendBufferFiller.FillAsync(connection.Client, connection.ClientSocket, connection.ServerSocket);
        Task<long> reading = ReadToEndAsync(connection.Client, sync);

        // Every KeyUpdate asks for ours; all of them are answered by one KeyUpdate before our next data (RFC 8446
        // §4.6.3), so nothing piles up and the reader never needs to hold the peer back.
        const int Batches = 1000;
        for (int i = 0; i < Batches; i++)
        {
            await connection.Server.SendAsync(
                static p =>
                {
                    p.WriteApplicationData([1], 0, 1);
                    for (int k = 0; k < RequestsPerDataRecord; k++)
                    {
                        p.SendKeyUpdate(updateRequested: true);
                    }
                },
                1).WaitAsync(Guard);
        }

        await connection.Server.SendAsync(static p => p.Close(), 1).WaitAsync(Guard);

        Assert.Equal(Batches, await reading.WaitAsync(Guard));
        Assert.InRange(connection.Client.PendingEngineOutput, 0, TlsEngineStream.MaxPendingEngineOutput);
        Assert.False(stalledWrite.IsCompleted);
        connection.Client.Dispose();
        await Record.ExceptionAsync(() => stalledWrite.WaitAsync(Guard));
    }

    /// <summary>Reads until the peer's close_notify and returns how many bytes came.</summary>
    private static Task<long> ReadToEndAsync(TlsEngineStream client, bool sync) => Task.Run(async () =>
    {
        var buffer = new byte[64 * 1024];
        long total = 0;
        int read;
        while ((read = sync ? client.Read(buffer, 0, buffer.Length) : await client.ReadAsync(buffer)) > 0)
        {
            total += read;
        }

        return total;
    });

    private static async Task DiscardAsync(Socket socket)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (await socket.ReceiveAsync(buffer) > 0)
            {
            }
        }
        catch (SocketException)
        {
            // Shut down by the test.
        }
    }
}
