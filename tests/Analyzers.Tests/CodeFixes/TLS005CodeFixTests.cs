using TlsShutdown.Analyzers.Tests.Verifiers;

namespace TlsShutdown.Analyzers.Tests.CodeFixes;

public class TLS005CodeFixTests
{
    [Fact]
    public Task Handshakes_get_a_timeout_linked_to_the_method_token() => CSharpVerifier.VerifyFixAsync("""
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
        """);

    [Fact]
    public Task Sync_handshake_gets_a_read_timeout() => CSharpVerifier.VerifyFixAsync("""
        class C
        {
            void Connect(Stream inner)
            {
                var ssl = new SslStream(inner);
                {|TLS005:ssl.AuthenticateAsClient("x")|};
                TlsShutdown.GracefulTlsClose.Close(ssl);
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
                TlsShutdown.GracefulTlsClose.Close(ssl);
            }
        }
        """);
}
