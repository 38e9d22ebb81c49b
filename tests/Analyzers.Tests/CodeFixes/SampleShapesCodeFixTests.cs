using TlsShutdown.Analyzers.Tests.Verifiers;

namespace TlsShutdown.Analyzers.Tests.CodeFixes;

/// <summary>The shapes of samples/TlsMistakes, which dotnet format must fix end to end.</summary>
public class SampleShapesCodeFixTests
{
    [Fact]
    public Task Transport_field_disposed_by_the_owner() => CSharpVerifier.VerifyFixAsync("""
        sealed class QuoteConnection : IDisposable
        {
            private readonly TcpClient _client = new();
            private SslStream? _tls;

            public void Dispose()
            {
                {|TLS001:_client.Dispose()|};
            }

            private async Task ConnectAsync(int port, CancellationToken ct)
            {
                await _client.ConnectAsync(IPAddress.Loopback, port);
                _tls = new SslStream(_client.GetStream(), false);
                await _tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "localhost" }, ct);
            }
        }
        """, """
        sealed class QuoteConnection : IDisposable
        {
            private readonly TcpClient _client = new();
            private SslStream? _tls;

            public void Dispose()
            {
                if (_tls != null) GracefulTlsClose.Close(_tls);
                _client.Dispose();
            }

            private async Task ConnectAsync(int port, CancellationToken ct)
            {
                await _client.ConnectAsync(IPAddress.Loopback, port);
                _tls = new SslStream(_client.GetStream(), false);
                await _tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "localhost" }, ct);
            }
        }
        """, fixedUsings: CSharpVerifier.UsingsWithRuntime);

    [Fact]
    public Task Using_declaration_whose_return_reads_the_stream_computes_the_value_first() => CSharpVerifier.VerifyFixAsync("""
        static class QuoteClient
        {
            static Task<string?> ReadLineAsync(Stream s) => Task.FromResult<string?>(null);

            public static async Task<string> GetQuoteAsync(int port, CancellationToken ct)
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port, ct);
                {|TLS001:using var tls = new SslStream(client.GetStream(), false);|}
                await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "localhost" }, ct);
                if (port == 0)
                    return await ReadLineAsync(tls) ?? "(none)";

                // the answer
                return await ReadLineAsync(tls) ?? "(no answer)";
            }
        }
        """, """
        static class QuoteClient
        {
            static Task<string?> ReadLineAsync(Stream s) => Task.FromResult<string?>(null);

            public static async Task<string> GetQuoteAsync(int port, CancellationToken ct)
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port, ct);
                using var tls = new SslStream(client.GetStream(), false);
                await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "localhost" }, ct);
                if (port == 0)
                {
                    var result = await ReadLineAsync(tls) ?? "(none)";
                    await GracefulTlsClose.CloseAsync(tls, cancellationToken: ct);
                    return result;
                }

                // the answer
                var result2 = await ReadLineAsync(tls) ?? "(no answer)";
                await GracefulTlsClose.CloseAsync(tls, cancellationToken: ct);
                return result2;
            }
        }
        """, fixedUsings: CSharpVerifier.UsingsWithRuntime);

    [Fact]
    public Task Shutdown_then_a_buffer_then_the_drain_loop_becomes_one_graceful_close() => CSharpVerifier.VerifyFixAsync("""
        static class QuoteClient
        {
            public static async Task<int> GetQuotePolitelyAsync(SslStream tls)
            {
                int quote = 42;
                await {|TLS003:tls.ShutdownAsync()|};
                byte[] buffer = new byte[4096];
                while (await {|TLS002:tls.ReadAsync(buffer)|} > 0)
                {
                }

                tls.Dispose();
                return quote;
            }
        }
        """, """
        static class QuoteClient
        {
            public static async Task<int> GetQuotePolitelyAsync(SslStream tls)
            {
                int quote = 42;
                await GracefulTlsClose.CloseAsync(tls);

                tls.Dispose();
                return quote;
            }
        }
        """, fixedUsings: CSharpVerifier.UsingsWithRuntime);
}
