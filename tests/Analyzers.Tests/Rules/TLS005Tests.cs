using TlsShutdown.Analyzers.Tests.Verifiers;

namespace TlsShutdown.Analyzers.Tests.Rules;

public class TLS005Tests
{
    [Fact]
    public Task Handshakes_without_a_real_token_are_reported() => CSharpVerifier.VerifyAsync("""
        class C
        {
            async Task ClientAsync(SslStream ssl)
            {
                await {|TLS005:ssl.AuthenticateAsClientAsync("example.org")|};
            }

            async Task OptionsWithoutTokenAsync(SslStream ssl)
            {
                await {|TLS005:ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "x" })|};
            }

            async Task ServerNoneAsync(SslStream ssl, SslServerAuthenticationOptions options)
            {
                await {|TLS005:ssl.AuthenticateAsServerAsync(options, CancellationToken.None)|};
            }

            async Task DefaultTokenAsync(SslStream ssl, SslServerAuthenticationOptions options)
            {
                await {|TLS005:ssl.AuthenticateAsServerAsync(options, default)|};
            }

            async Task SourceThatNeverFiresAsync(SslStream ssl, SslServerAuthenticationOptions options)
            {
                using var cts = new CancellationTokenSource();
                await {|TLS005:ssl.AuthenticateAsServerAsync(options, cts.Token)|};
            }

            async Task RenegotiateAsync(SslStream ssl)
            {
                await {|TLS005:ssl.NegotiateClientCertificateAsync()|};
            }

            void Blocking(SslStream ssl) => {|TLS005:ssl.AuthenticateAsClientAsync("x")|}.Wait();

            async Task EngineAsync(Stream inner)
            {
                var tls = new TlsShutdown.TlsEngineStream(inner);
                await {|TLS005:tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions())|};
                TlsShutdown.GracefulTlsClose.Close(tls);
            }
        }
        """);

    [Fact]
    public Task Sync_handshake_without_read_timeout_is_reported() => CSharpVerifier.VerifyAsync("""
        class C
        {
            void Connect(TcpClient tcp)
            {
                var ssl = new SslStream(tcp.GetStream());
                {|TLS005:ssl.AuthenticateAsClient("x")|};
                TlsShutdown.GracefulTlsClose.Close(ssl);
            }
        }
        """);

    [Fact]
    public Task Bounded_handshakes_are_not_reported() => CSharpVerifier.VerifyAsync("""
        class C
        {
            async Task ParameterTokenAsync(SslStream ssl, CancellationToken ct) =>
                await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "x" }, ct);

            async Task DelayedSourceAsync(SslStream ssl, SslServerAuthenticationOptions options)
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await ssl.AuthenticateAsServerAsync(options, cts.Token);
            }

            async Task LinkedAsync(SslStream ssl, SslServerAuthenticationOptions options, CancellationToken ct)
            {
                using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
                cts.CancelAfter(10_000);
                await ssl.AuthenticateAsServerAsync(options, cts.Token);
            }

            async Task WaitAsyncAsync(SslStream ssl) =>
                await ssl.AuthenticateAsClientAsync("x").WaitAsync(TimeSpan.FromSeconds(10));

            async Task WhenAnyAsync(SslStream ssl) =>
                await Task.WhenAny(ssl.AuthenticateAsClientAsync("x"), Task.Delay(10_000));

            Task ReturnedAsync(SslStream ssl) => ssl.AuthenticateAsClientAsync("x");

            void SyncWithTimeout(TcpClient tcp)
            {
                tcp.ReceiveTimeout = 10_000;
                var ssl = new SslStream(tcp.GetStream());
                ssl.AuthenticateAsClient("x");
                TlsShutdown.GracefulTlsClose.Close(ssl);
            }

            void SyncWithStreamTimeout(Stream inner)
            {
                var ssl = new SslStream(inner);
                ssl.ReadTimeout = 10_000;
                ssl.AuthenticateAsClient("x");
                TlsShutdown.GracefulTlsClose.Close(ssl);
            }

            void SyncOnParameter(SslStream ssl) => ssl.AuthenticateAsClient("x");
        }
        """);
}
