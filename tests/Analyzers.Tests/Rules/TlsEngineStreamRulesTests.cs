using TlsShutdown.Analyzers.Tests.Verifiers;

namespace TlsShutdown.Analyzers.Tests.Rules;

/// <summary>
/// The rules on TlsEngineStream, compiled against the real runtime assembly: its ShutdownAsync (a half-close,
/// bounded by its token) counts as the TLS shutdown; what follows it is judged as for SslStream.
/// </summary>
public class TlsEngineStreamRulesTests
{
    [Fact]
    public Task An_engine_stream_shut_down_before_its_close_is_not_reported() => CSharpVerifier.VerifyAsync("""
        class C
        {
            async Task RunAsync(Stream inner, SslClientAuthenticationOptions options, CancellationToken ct)
            {
                await using var tls = new TlsShutdown.TlsEngineStream(inner);
                await tls.AuthenticateAsClientAsync(options, ct);
                await tls.WriteAsync(new byte[] { 1 }, ct);
                await tls.ShutdownAsync(ct);
            }

            async Task GracefulAsync(Stream inner, SslClientAuthenticationOptions options, CancellationToken ct)
            {
                var tls = new TlsShutdown.TlsEngineStream(inner);
                await tls.AuthenticateAsClientAsync(options, ct);
                await TlsShutdown.GracefulTlsClose.CloseAsync(tls, cancellationToken: ct);
            }
        }
        """);

    [Fact]
    public Task An_engine_stream_closed_without_its_shutdown_is_reported() => CSharpVerifier.VerifyAsync("""
        class C
        {
            async Task RunAsync(Stream inner, SslClientAuthenticationOptions options, CancellationToken ct)
            {
                var tls = new TlsShutdown.TlsEngineStream(inner);
                await tls.AuthenticateAsClientAsync(options, ct);
                await tls.WriteAsync(new byte[] { 1 }, ct);
                {|TLS001:tls.Dispose()|};
            }

            async Task TransportAsync(NetworkStream inner, SslClientAuthenticationOptions options, CancellationToken ct)
            {
                var tls = new TlsShutdown.TlsEngineStream(inner);
                await tls.AuthenticateAsClientAsync(options, ct);
                {|TLS001:inner.Dispose()|};
            }
        }
        """);

    [Fact]
    public Task Writes_after_the_engine_shutdown_are_reported() => CSharpVerifier.VerifyAsync("""
        class C
        {
            async Task RunAsync(Stream inner, SslClientAuthenticationOptions options, CancellationToken ct)
            {
                var tls = new TlsShutdown.TlsEngineStream(inner);
                await tls.AuthenticateAsClientAsync(options, ct);
                await tls.ShutdownAsync(ct);
                await {|TLS006:tls.WriteAsync(new byte[] { 1 }, ct)|};
                tls.Dispose();
            }
        }
        """);

    [Fact]
    public Task Reading_for_the_peers_close_notify_after_the_engine_shutdown_needs_a_bound() => CSharpVerifier.VerifyAsync("""
        class C
        {
            async Task UnboundedAsync(Stream inner, SslClientAuthenticationOptions options, CancellationToken ct)
            {
                var tls = new TlsShutdown.TlsEngineStream(inner);
                await tls.AuthenticateAsClientAsync(options, ct);
                await tls.ShutdownAsync(ct);
                var buffer = new byte[256];
                while (await {|TLS002:tls.ReadAsync(buffer)|} > 0) { }
                tls.Dispose();
            }

            async Task BoundedAsync(Stream inner, SslClientAuthenticationOptions options, CancellationToken ct)
            {
                var tls = new TlsShutdown.TlsEngineStream(inner);
                await tls.AuthenticateAsClientAsync(options, ct);
                await tls.ShutdownAsync(ct);
                var buffer = new byte[256];
                using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                while (await tls.ReadAsync(buffer, deadline.Token) > 0) { }
                tls.Dispose();
            }
        }
        """);

    [Fact]
    public Task Engine_handshakes_need_a_real_token() => CSharpVerifier.VerifyAsync("""
        class C
        {
            async Task NoTokenAsync(TlsShutdown.TlsEngineStream tls, SslServerAuthenticationOptions options) =>
                await {|TLS005:tls.AuthenticateAsServerAsync(options)|}.ConfigureAwait(false);

            async Task TokenAsync(TlsShutdown.TlsEngineStream tls, SslServerAuthenticationOptions options, CancellationToken ct) =>
                await tls.AuthenticateAsServerAsync(options, ct).ConfigureAwait(false);
        }
        """);

    [Fact]
    public Task The_runtime_handshake_helper_is_a_bounded_handshake() => CSharpVerifier.VerifyAsync("""
        class C
        {
            async Task SslAsync(TcpClient tcp, SslClientAuthenticationOptions options, CancellationToken ct)
            {
                var ssl = new SslStream(tcp.GetStream());
                await TlsShutdown.TlsHandshake.AuthenticateAsClientAsync(ssl, options, TimeSpan.FromSeconds(10), ct);
                await TlsShutdown.GracefulTlsClose.CloseAsync(ssl, cancellationToken: ct);
            }

            async Task EngineAsync(Stream inner, SslServerAuthenticationOptions options)
            {
                var tls = new TlsShutdown.TlsEngineStream(inner);
                await TlsShutdown.TlsHandshake.AuthenticateAsServerAsync(tls, options);
                {|TLS001:tls.Dispose()|};
            }
        }
        """);
}
