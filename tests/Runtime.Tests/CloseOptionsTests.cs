using System.Net.Security;

namespace TlsShutdown.Tests;

/// <summary>Every wait of a close is bounded: <see cref="TlsCloseOptions"/> refuses bounds that are not.</summary>
public sealed class CloseOptionsTests
{
    /// <summary>The largest timeout the waits of a close accept (Task.WaitAsync, CancellationTokenSource.CancelAfter).</summary>
    private static readonly TimeSpan LargestTimeout = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    public static TheoryData<TimeSpan> UnboundedOrNegative =>
        new(Timeout.InfiniteTimeSpan, TimeSpan.FromTicks(-1), TimeSpan.FromSeconds(-5), TimeSpan.MaxValue, TimeSpan.MinValue, LargestTimeout + TimeSpan.FromMilliseconds(1));

    [Fact]
    public void Defaults_FollowDeployedStacks()
    {
        TlsCloseOptions options = TlsCloseOptions.Default;

        Assert.Equal(TimeSpan.FromSeconds(3), options.SendTimeout);
        Assert.Equal(TimeSpan.FromSeconds(1), options.PeerCloseTimeout);
        Assert.Equal(1024 * 1024, options.MaxDiscardBytes);
        Assert.Equal(new TlsCloseOptions(), options);
    }

    [Theory]
    [MemberData(nameof(UnboundedOrNegative))]
    public void SendTimeout_MustBeFiniteAndNotNegative(TimeSpan value)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new TlsCloseOptions { SendTimeout = value });
        Assert.Equal(nameof(TlsCloseOptions.SendTimeout), error.ParamName);
    }

    [Fact]
    public void SendTimeout_CannotBeZero()
    {
        // Not sending our close_notify at all is not a graceful close.
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new TlsCloseOptions { SendTimeout = TimeSpan.Zero });
        Assert.Equal(nameof(TlsCloseOptions.SendTimeout), error.ParamName);
    }

    [Theory]
    [MemberData(nameof(UnboundedOrNegative))]
    public void PeerCloseTimeout_MustBeFiniteAndNotNegative(TimeSpan value)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => TlsCloseOptions.Default with { PeerCloseTimeout = value });
        Assert.Equal(nameof(TlsCloseOptions.PeerCloseTimeout), error.ParamName);
    }

    [Fact]
    public void PeerCloseTimeout_ZeroMeansDoNotWait()
    {
        Assert.Equal(TimeSpan.Zero, new TlsCloseOptions { PeerCloseTimeout = TimeSpan.Zero }.PeerCloseTimeout);
    }

    [Fact]
    public void MaxDiscardBytes_CannotBeNegative()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new TlsCloseOptions { MaxDiscardBytes = -1 });
        Assert.Equal(nameof(TlsCloseOptions.MaxDiscardBytes), error.ParamName);
        Assert.Equal(0, new TlsCloseOptions { MaxDiscardBytes = 0 }.MaxDiscardBytes);
    }

    [Fact]
    public void LargestBoundedTimeouts_AreAccepted()
    {
        var options = new TlsCloseOptions { SendTimeout = LargestTimeout, PeerCloseTimeout = LargestTimeout, MaxDiscardBytes = long.MaxValue };

        Assert.Equal(LargestTimeout, options.SendTimeout);
        Assert.Equal(LargestTimeout, options.PeerCloseTimeout);
        Assert.Equal(long.MaxValue, options.MaxDiscardBytes);
    }

    [Fact]
    public async Task NullStream_IsRejected()
    {
        await Assert.ThrowsAsync<ArgumentNullException>("stream", () => GracefulTlsClose.CloseAsync((SslStream)null!));
        Assert.Throws<ArgumentNullException>("stream", () => GracefulTlsClose.Close((SslStream)null!));
    }
}
