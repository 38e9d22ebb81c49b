using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using CloseProbe.Peers;
using TlsShutdown;

namespace CloseProbe;

/// <summary>Where a probe connects, and how it validates the server.</summary>
internal sealed record ProbeTarget(string Host, int Port, bool Embedded, bool Insecure)
{
    public string TargetHost => Embedded ? "localhost" : Host;
}

/// <summary>Opens one TLS connection, closes it one way, and measures what happened.</summary>
internal static class Prober
{
    /// <summary>How long the probe lets a close that has no bound of its own run before it gives up on it.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);

    /// <summary>How long the probe waits, after our close, for an embedded peer to report what it saw.</summary>
    private static readonly TimeSpan PeerReportWait = TimeSpan.FromSeconds(2);

    public static async Task<ProbeRow> RunAsync(ProbeCase probe, ProbeTarget target, PeerSession? session, CancellationToken cancellationToken)
    {
        ProbeRow row;
        try
        {
            row = await ConnectAndCloseAsync(probe, target, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception error) when (error is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The connection could not be made (or the handshake failed): no close to measure.
            row = NewRow(probe) with { Outcome = "ConnectFailed", PeerSaw = Names.Key(PeerSaw.Unknown), Error = Describe(error) };
        }
        finally
        {
            session?.MarkClientDone();
        }

        if (session is null)
        {
            return row;
        }

        PeerSaw saw;
        try
        {
            saw = await session.Saw.WaitAsync(PeerReportWait, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            saw = PeerSaw.Nothing;
        }

        return row with { PeerSaw = Names.Key(saw) };
    }

    private static async Task<ProbeRow> ConnectAndCloseAsync(ProbeCase probe, ProbeTarget target, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        Stream? transport = null;
        try
        {
            if (target.Embedded && probe.Peer == PeerBehavior.StopsReading)
            {
                socket.SendBufferSize = 32 * 1024;
            }

            using var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            connectTimeout.CancelAfter(TimeSpan.FromSeconds(10));
            await socket.ConnectAsync(target.Host, target.Port, connectTimeout.Token).ConfigureAwait(false);
            socket.NoDelay = true;
            transport = new NetworkStream(socket, ownsSocket: true);

            return probe.Method == CloseMethod.GracefulTlsEngine
                ? await TlsEngineCase.RunAsync(probe, target, transport, connectTimeout.Token).ConfigureAwait(false)
                : await SslStreamCaseAsync(probe, target, transport, connectTimeout.Token).ConfigureAwait(false);
        }
        catch
        {
            if (transport is not null)
            {
                await transport.DisposeAsync().ConfigureAwait(false);
            }
            else
            {
                socket.Dispose();
            }

            throw;
        }
    }

    private static async Task<ProbeRow> SslStreamCaseAsync(ProbeCase probe, ProbeTarget target, Stream transport, CancellationToken handshakeToken)
    {
        Stream under = probe.Method == CloseMethod.GracefulEofTracking ? new EofTrackingStream(transport) : transport;
        var tls = new SslStream(under);
        try
        {
            await tls.AuthenticateAsClientAsync(ClientOptions(probe, target), handshakeToken).ConfigureAwait(false);
            Task? stalledWrite = target.Embedded ? await GreetAsync(tls, probe, handshakeToken).ConfigureAwait(false) : null;
            ProbeRow row = await CloseAsync(tls, probe).ConfigureAwait(false);
            Observe(stalledWrite);
            return row;
        }
        finally
        {
            tls.Dispose();
        }
    }

    public static SslClientAuthenticationOptions ClientOptions(ProbeCase probe, ProbeTarget target) => new()
    {
        TargetHost = target.TargetHost,
        EnabledSslProtocols = probe.Tls,
        RemoteCertificateValidationCallback = target.Embedded
            ? (_, certificate, _, _) => ProbeCertificate.IsOurs(certificate)
            : target.Insecure
                ? (_, _, _, _) => true
                : null,
    };

    /// <summary>
    /// The application exchange before the close: a request and its answer. For a peer that stops reading,
    /// then writes until the send stalls, as an application talking to a dead peer does; returns that write.
    /// </summary>
    public static async Task<Task?> GreetAsync(Stream tls, ProbeCase probe, CancellationToken cancellationToken)
    {
        await tls.WriteAsync(Encoding.ASCII.GetBytes($"PING {probe.Id}\n"), cancellationToken).ConfigureAwait(false);
        byte[] pong = new byte[5];
        await tls.ReadExactlyAsync(pong, cancellationToken).ConfigureAwait(false);
        if (probe.Peer != PeerBehavior.StopsReading)
        {
            return null;
        }

        byte[] chunk = new byte[16 * 1024];
        for (int written = 0; written < 256 * 1024 * 1024; written += chunk.Length)
        {
            Task write = tls.WriteAsync(chunk, CancellationToken.None).AsTask();
            if (await Task.WhenAny(write, Task.Delay(200, cancellationToken)).ConfigureAwait(false) != write)
            {
                return write; // The peer's window and our send buffer are full.
            }

            await write.ConfigureAwait(false);
        }

        return null;
    }

    private static async Task<ProbeRow> CloseAsync(SslStream tls, ProbeCase probe)
    {
        long started = Stopwatch.GetTimestamp();
        switch (probe.Method)
        {
            case CloseMethod.Dispose:
                tls.Dispose();
                return NewRow(probe) with { ElapsedMs = Ms(started), CloseNotifySent = false };

            case CloseMethod.ShutdownThenDispose:
            {
                Task shutdown;
                try
                {
                    shutdown = tls.ShutdownAsync();
                    await shutdown.WaitAsync(Patience).ConfigureAwait(false);
                }
                catch (TimeoutException)
                {
                    // ShutdownAsync has no CancellationToken: only closing the socket ends it.
                    double hungMs = Ms(started);
                    tls.Dispose();
                    return NewRow(probe) with { Hung = true, ElapsedMs = hungMs };
                }
                catch (Exception error)
                {
                    tls.Dispose();
                    return NewRow(probe) with { ElapsedMs = Ms(started), Error = Describe(error) };
                }

                tls.Dispose();
                return NewRow(probe) with { ElapsedMs = Ms(started) };
            }

            default:
            {
                TlsCloseResult result = await GracefulTlsClose.CloseAsync(tls).ConfigureAwait(false);
                return FromResult(probe, result);
            }
        }
    }

    public static ProbeRow FromResult(ProbeCase probe, TlsCloseResult result) => NewRow(probe) with
    {
        Outcome = result.Outcome.ToString(),
        ElapsedMs = result.Elapsed.TotalMilliseconds,
        DiscardedBytes = result.DiscardedBytes,
        CloseNotifySent = result.CloseNotifySent,
        PeerCloseNotifyReceived = result.PeerCloseNotifyReceived,
        Error = result.Error is null ? null : Describe(result.Error),
    };

    public static ProbeRow NewRow(ProbeCase probe) => new()
    {
        Tls = Names.Display(probe.Tls),
        Peer = Names.Key(probe.Peer),
        Close = Names.Key(probe.Method),
        PeerSaw = Names.Key(PeerSaw.Unknown),
    };

    public static string Describe(Exception error)
    {
        Exception inner = error;
        while (inner.InnerException is not null && inner is AggregateException or IOException or AuthenticationException)
        {
            inner = inner.InnerException;
        }

        return inner == error ? $"{error.GetType().Name}: {error.Message}" : $"{error.GetType().Name} ({inner.GetType().Name}): {inner.Message}";
    }

    public static void Observe(Task? task) => task?.ContinueWith(static t => _ = t.Exception, TaskScheduler.Default);

    private static double Ms(long started) => Stopwatch.GetElapsedTime(started).TotalMilliseconds;
}
