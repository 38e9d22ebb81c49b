using TlsShutdown;

namespace CloseProbe;

/// <summary>The TlsEngineStream close: our own TLS stream over BouncyCastle's engine, closed by GracefulTlsClose.</summary>
internal static class TlsEngineCase
{
    public static bool IsAvailable => true;

    public static async Task<ProbeRow> RunAsync(ProbeCase probe, ProbeTarget target, Stream transport, CancellationToken handshakeToken)
    {
        var tls = new TlsEngineStream(transport);
        try
        {
            await tls.AuthenticateAsClientAsync(Prober.ClientOptions(probe, target), handshakeToken).ConfigureAwait(false);
            Task? stalledWrite = target.Embedded ? await Prober.GreetAsync(tls, probe, handshakeToken).ConfigureAwait(false) : null;
            try
            {
                TlsCloseResult result = await GracefulTlsClose.CloseAsync(tls).ConfigureAwait(false);
                return Prober.FromResult(probe, result);
            }
            catch (Exception error) when (error is not OperationCanceledException)
            {
                // GracefulTlsClose reports a peer's misbehaviour; anything thrown is shown as it is.
                return Prober.NewRow(probe) with { Error = Prober.Describe(error) };
            }
            finally
            {
                Prober.Observe(stalledWrite);
            }
        }
        finally
        {
            await tls.DisposeAsync().ConfigureAwait(false);
        }
    }
}
