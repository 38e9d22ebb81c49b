using System.Net.Sockets;
using TlsShutdown.Tests.Infrastructure;

namespace TlsShutdown.Tests;

/// <summary><see cref="EofTrackingStream"/> on its own, over a real loopback connection.</summary>
public sealed class EofTrackingStreamTests
{
    public enum ReadKind
    {
        SyncArray,
        SyncSpan,
        AsyncArray,
        AsyncMemory,
        SyncByte,
        BeginEnd,
    }

    public static TheoryData<ReadKind> ReadKinds => new(Enum.GetValues<ReadKind>());

    [Theory]
    [MemberData(nameof(ReadKinds))]
    public async Task Data_ThenFin_OnlyTheEndCounts(ReadKind kind)
    {
        using LoopbackSocketPair sockets = await LoopbackSocketPair.CreateAsync();
        await using var tracker = new EofTrackingStream(new NetworkStream(sockets.Client, ownsSocket: true));
        await sockets.Server.SendAsync(new byte[] { 1, 2, 3 });
        sockets.Server.Shutdown(SocketShutdown.Send);

        byte[] buffer = new byte[16];
        int total = 0;
        int read;
        while ((read = await ReadAsync(tracker, kind, buffer)) > 0)
        {
            total += read;
            Assert.False(tracker.ReachedEof);
        }

        Assert.Equal(3, total);
        Assert.True(tracker.ReachedEof);
    }

    [Fact]
    public async Task ZeroByteReads_AreNotTheEnd()
    {
        using LoopbackSocketPair sockets = await LoopbackSocketPair.CreateAsync();
        await using var tracker = new EofTrackingStream(new NetworkStream(sockets.Client, ownsSocket: true));
        sockets.Server.Shutdown(SocketShutdown.Send);

        // A zero-byte read returns 0 whether or not the stream has ended, as SslStream's buffer-free waits do.
        Assert.Equal(0, await tracker.ReadAsync(Memory<byte>.Empty));
        Assert.Equal(0, tracker.Read(Span<byte>.Empty));
        Assert.Equal(0, tracker.Read([], 0, 0));
        Assert.False(tracker.ReachedEof);

        Assert.Equal(0, await tracker.ReadAsync(new byte[1]));
        Assert.True(tracker.ReachedEof);
    }

    [Fact]
    public async Task Reset_IsAnErrorNotAnEnd()
    {
        using LoopbackSocketPair sockets = await LoopbackSocketPair.CreateAsync();
        await using var tracker = new EofTrackingStream(new NetworkStream(sockets.Client, ownsSocket: true));
        sockets.Server.LingerState = new LingerOption(enable: true, seconds: 0);
        sockets.Server.Close();

        var error = await Assert.ThrowsAsync<IOException>(async () => await tracker.ReadAsync(new byte[1]));
        Assert.Equal(SocketError.ConnectionReset, Assert.IsType<SocketException>(error.InnerException).SocketErrorCode);
        Assert.False(tracker.ReachedEof);
    }

    [Fact]
    public async Task Writes_PassThrough()
    {
        using LoopbackSocketPair sockets = await LoopbackSocketPair.CreateAsync();
        await using var tracker = new EofTrackingStream(new NetworkStream(sockets.Client, ownsSocket: true));

        tracker.Write([1], 0, 1);
        tracker.Write([2]);
        await tracker.WriteAsync(new byte[] { 3 }, 0, 1);
        await tracker.WriteAsync(new byte[] { 4 }.AsMemory());
        await tracker.FlushAsync();
        tracker.Flush();
        sockets.Client.Shutdown(SocketShutdown.Send);

        byte[] received = new byte[8];
        int total = 0;
        int read;
        while ((read = await sockets.Server.ReceiveAsync(received.AsMemory(total))) > 0)
        {
            total += read;
        }

        Assert.Equal(new byte[] { 1, 2, 3, 4 }, received[..total]);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Dispose_ClosesTheInnerStreamUnlessLeftOpen(bool leaveOpen)
    {
        using LoopbackSocketPair sockets = await LoopbackSocketPair.CreateAsync();
        var inner = new NetworkStream(sockets.Client, ownsSocket: true);
        var tracker = new EofTrackingStream(inner, leaveOpen);

        tracker.Dispose();

        Assert.Equal(!leaveOpen, SocketState.IsDisposed(sockets.Client));
        if (leaveOpen)
        {
            inner.Write([42]);
            Assert.Equal(1, await sockets.Server.ReceiveAsync(new byte[1]));
        }
        else
        {
            Assert.Throws<ObjectDisposedException>(() => inner.Write([42]));
        }
    }

    [Fact]
    public async Task Timeouts_PassThroughAndBoundSyncReads()
    {
        using LoopbackSocketPair sockets = await LoopbackSocketPair.CreateAsync();
        var inner = new NetworkStream(sockets.Client, ownsSocket: true);
        await using var tracker = new EofTrackingStream(inner);

        Assert.True(tracker.CanTimeout);
        tracker.ReadTimeout = 50;
        tracker.WriteTimeout = 70;
        Assert.Equal(50, inner.ReadTimeout);
        Assert.Equal(70, inner.WriteTimeout);
        Assert.Equal(50, tracker.ReadTimeout);
        Assert.Equal(70, tracker.WriteTimeout);

        // The peer sends nothing: the socket's receive timeout ends the read, which is not the end of the stream.
        var error = Assert.Throws<IOException>(() => tracker.Read(new byte[1], 0, 1));
        Assert.Equal(SocketError.TimedOut, Assert.IsType<SocketException>(error.InnerException).SocketErrorCode);
        Assert.False(tracker.ReachedEof);
    }

    [Fact]
    public async Task Shape_ANonSeekablePassThrough()
    {
        using LoopbackSocketPair sockets = await LoopbackSocketPair.CreateAsync();
        var inner = new NetworkStream(sockets.Client, ownsSocket: true);
        await using var tracker = new EofTrackingStream(inner);

        Assert.Same(inner, tracker.InnerStream);
        Assert.True(tracker.CanRead);
        Assert.True(tracker.CanWrite);
        Assert.False(tracker.CanSeek);
        Assert.Throws<NotSupportedException>(() => tracker.Length);
        Assert.Throws<NotSupportedException>(() => tracker.Position);
        Assert.Throws<NotSupportedException>(() => tracker.Seek(0, SeekOrigin.Begin));
        Assert.Throws<NotSupportedException>(() => tracker.SetLength(0));
        Assert.Throws<ArgumentNullException>("inner", () => new EofTrackingStream(null!));
    }

    private static async ValueTask<int> ReadAsync(EofTrackingStream tracker, ReadKind kind, byte[] buffer) => kind switch
    {
        ReadKind.SyncArray => tracker.Read(buffer, 0, buffer.Length),
        ReadKind.SyncSpan => tracker.Read(buffer.AsSpan()),
        ReadKind.AsyncArray => await tracker.ReadAsync(buffer, 0, buffer.Length),
        ReadKind.AsyncMemory => await tracker.ReadAsync(buffer.AsMemory()),
        ReadKind.SyncByte => ReadOneByte(tracker, buffer),
        ReadKind.BeginEnd => await Task.Factory.FromAsync(tracker.BeginRead, tracker.EndRead, buffer, 0, buffer.Length, state: null),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    private static int ReadOneByte(EofTrackingStream tracker, byte[] buffer)
    {
        int value = tracker.ReadByte();
        if (value < 0)
        {
            return 0;
        }

        buffer[0] = (byte)value;
        return 1;
    }
}
