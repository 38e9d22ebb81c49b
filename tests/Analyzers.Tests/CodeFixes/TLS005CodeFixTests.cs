using TlsShutdown.Analyzers.Tests.Verifiers;

namespace TlsShutdown.Analyzers.Tests.CodeFixes;

public class TLS005CodeFixTests
{
    [Fact]
    public Task With_the_runtime_async_handshakes_call_TlsHandshake() => CSharpVerifier.VerifyFixAsync("""
        class C
        {
            async Task ClientAsync(SslStream ssl, string host)
            {
                await {|TLS005:ssl.AuthenticateAsClientAsync(host)|};
            }

            async Task ServerAsync(SslStream ssl, SslServerAuthenticationOptions options, CancellationToken ct)
            {
                await {|TLS005:ssl.AuthenticateAsServerAsync(options, CancellationToken.None)|};
            }

            async Task OptionsAsync(SslStream ssl, SslClientAuthenticationOptions options)
            {
                // the handshake
                await {|TLS005:ssl.AuthenticateAsClientAsync(options)|}.ConfigureAwait(false); // bounded now
            }

            async Task CertificateAsync(SslStream ssl, System.Security.Cryptography.X509Certificates.X509Certificate certificate)
            {
                await {|TLS005:ssl.AuthenticateAsServerAsync(certificate)|};
            }

            async Task EngineAsync(TlsShutdown.TlsEngineStream tls, SslClientAuthenticationOptions options)
            {
                await {|TLS005:tls.AuthenticateAsClientAsync(options, default)|};
            }
        }
        """, """
        class C
        {
            async Task ClientAsync(SslStream ssl, string host)
            {
                await TlsHandshake.AuthenticateAsClientAsync(ssl, new SslClientAuthenticationOptions { TargetHost = host });
            }

            async Task ServerAsync(SslStream ssl, SslServerAuthenticationOptions options, CancellationToken ct)
            {
                await TlsHandshake.AuthenticateAsServerAsync(ssl, options, cancellationToken: ct);
            }

            async Task OptionsAsync(SslStream ssl, SslClientAuthenticationOptions options)
            {
                // the handshake
                await TlsHandshake.AuthenticateAsClientAsync(ssl, options).ConfigureAwait(false); // bounded now
            }

            async Task CertificateAsync(SslStream ssl, System.Security.Cryptography.X509Certificates.X509Certificate certificate)
            {
                await TlsHandshake.AuthenticateAsServerAsync(ssl, new SslServerAuthenticationOptions { ServerCertificate = certificate });
            }

            async Task EngineAsync(TlsShutdown.TlsEngineStream tls, SslClientAuthenticationOptions options)
            {
                await TlsHandshake.AuthenticateAsClientAsync(tls, options);
            }
        }
        """, fixedUsings: CSharpVerifier.UsingsWithRuntime);

    [Fact]
    public Task With_the_runtime_a_token_from_a_source_that_never_fires_is_kept() => CSharpVerifier.VerifyFixAsync("""
        class C
        {
            async Task ClientAsync(SslStream ssl, SslClientAuthenticationOptions options)
            {
                using var source = new CancellationTokenSource();
                await {|TLS005:ssl.AuthenticateAsClientAsync(options, source.Token)|};
            }
        }
        """, """
        class C
        {
            async Task ClientAsync(SslStream ssl, SslClientAuthenticationOptions options)
            {
                using var source = new CancellationTokenSource();
                await TlsHandshake.AuthenticateAsClientAsync(ssl, options, cancellationToken: source.Token);
            }
        }
        """, fixedUsings: CSharpVerifier.UsingsWithRuntime);

    [Fact]
    public Task With_the_runtime_sync_handshakes_call_the_sync_overloads() => CSharpVerifier.VerifyFixAsync("""
        class C
        {
            void Connect(Stream inner)
            {
                var ssl = new SslStream(inner);
                {|TLS005:ssl.AuthenticateAsClient("x")|};
                TlsShutdown.GracefulTlsClose.Close(ssl);
            }

            void Accept(Stream inner, SslServerAuthenticationOptions options)
            {
                var ssl = new SslStream(inner);
                {|TLS005:ssl.AuthenticateAsServer(options)|};
                TlsShutdown.GracefulTlsClose.Close(ssl);
            }
        }
        """, """
        class C
        {
            void Connect(Stream inner)
            {
                var ssl = new SslStream(inner);
                TlsHandshake.AuthenticateAsClient(ssl, new SslClientAuthenticationOptions { TargetHost = "x" });
                TlsShutdown.GracefulTlsClose.Close(ssl);
            }

            void Accept(Stream inner, SslServerAuthenticationOptions options)
            {
                var ssl = new SslStream(inner);
                TlsHandshake.AuthenticateAsServer(ssl, options);
                TlsShutdown.GracefulTlsClose.Close(ssl);
            }
        }
        """, fixedUsings: CSharpVerifier.UsingsWithRuntime);

    [Fact]
    public Task With_the_runtime_a_renegotiation_keeps_the_token_source_form() => CSharpVerifier.VerifyFixAsync("""
        class C
        {
            async Task RenegotiateAsync(SslStream ssl)
            {
                await {|TLS005:ssl.NegotiateClientCertificateAsync()|};
            }
        }
        """, """
        class C
        {
            async Task RenegotiateAsync(SslStream ssl)
            {
                using var handshakeTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                await ssl.NegotiateClientCertificateAsync(handshakeTimeout.Token);
            }
        }
        """);

    [Fact]
    public Task Without_the_runtime_handshakes_get_a_timeout_linked_to_the_method_token() => CSharpVerifier.VerifyFixAsync("""
        class C
        {
            async Task ClientAsync(SslStream ssl, string host)
            {
                await {|TLS005:ssl.AuthenticateAsClientAsync(host)|};
            }

            async Task ServerAsync(SslStream ssl, SslServerAuthenticationOptions options, CancellationToken ct)
            {
                await {|TLS005:ssl.AuthenticateAsServerAsync(options, CancellationToken.None)|};
            }

            async Task OptionsAsync(SslStream ssl, SslClientAuthenticationOptions options)
            {
                await {|TLS005:ssl.AuthenticateAsClientAsync(options)|};
            }
        }
        """, """
        class C
        {
            async Task ClientAsync(SslStream ssl, string host)
            {
                using var handshakeTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = host }, handshakeTimeout.Token);
            }

            async Task ServerAsync(SslStream ssl, SslServerAuthenticationOptions options, CancellationToken ct)
            {
                using var handshakeTimeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                handshakeTimeout.CancelAfter(TimeSpan.FromSeconds(30));
                await ssl.AuthenticateAsServerAsync(options, handshakeTimeout.Token);
            }

            async Task OptionsAsync(SslStream ssl, SslClientAuthenticationOptions options)
            {
                using var handshakeTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                await ssl.AuthenticateAsClientAsync(options, handshakeTimeout.Token);
            }
        }
        """, stubs: TestStubs.BouncyCastle);

    [Fact]
    public Task Without_the_runtime_a_sync_handshake_gets_a_read_timeout() => CSharpVerifier.VerifyFixAsync("""
        class C
        {
            void Connect(Stream inner)
            {
                var ssl = new SslStream(inner);
                {|TLS005:ssl.AuthenticateAsClient("x")|};
                ssl.ShutdownAsync().Wait(TimeSpan.FromSeconds(3));
            }
        }
        """, """
        class C
        {
            void Connect(Stream inner)
            {
                var ssl = new SslStream(inner);
                ssl.ReadTimeout = 30000;
                ssl.AuthenticateAsClient("x");
                ssl.ShutdownAsync().Wait(TimeSpan.FromSeconds(3));
            }
        }
        """, stubs: TestStubs.BouncyCastle);
}
