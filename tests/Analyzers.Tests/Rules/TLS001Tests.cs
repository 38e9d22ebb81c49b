using TlsShutdown.Analyzers.Tests.Verifiers;

namespace TlsShutdown.Analyzers.Tests.Rules;

public class TLS001Tests
{
    [Fact]
    public Task Using_declaration_async_is_reported_on_the_declaration() => CSharpVerifier.VerifyAsync("""
        class C
        {
            async Task RunAsync(TcpClient tcp, CancellationToken ct)
            {
                {|TLS001:using var ssl = new SslStream(tcp.GetStream());|}
                await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "x" }, ct);
                await ssl.WriteAsync(new byte[1], ct);
            }
        }
        """);

    [Fact]
    public Task Await_using_declaration_is_reported() => CSharpVerifier.VerifyAsync("""
        class C
        {
            async Task RunAsync(Stream inner, CancellationToken ct)
            {
                {|TLS001:await using var ssl = new SslStream(inner);|}
                await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "x" }, ct);
            }
        }
        """);

    [Fact]
    public Task Using_statement_is_reported_on_its_header() => CSharpVerifier.VerifyAsync("""
        class C
        {
            async Task RunAsync(NetworkStream ns, CancellationToken ct)
            {
                {|TLS001:using (var ssl = new SslStream(ns, leaveInnerStreamOpen: false))|}
                {
                    await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "x" }, ct);
                    await ssl.WriteAsync(new byte[1], ct);
                }
            }
        }
        """);

    [Fact]
    public Task Explicit_dispose_in_sync_code_is_reported() => CSharpVerifier.VerifyAsync("""
        class C
        {
            void Run(TcpClient tcp)
            {
                tcp.ReceiveTimeout = 5000;
                var ssl = new SslStream(tcp.GetStream());
                ssl.AuthenticateAsClient("x");
                ssl.Write(new byte[1]);
                {|TLS001:ssl.Dispose()|};
                tcp.Close();
            }
        }
        """);

    [Fact]
    public Task Dispose_in_finally_is_reported() => CSharpVerifier.VerifyAsync("""
        class C
        {
            async Task RunAsync(Stream inner, CancellationToken ct)
            {
                var ssl = new SslStream(inner);
                try
                {
                    await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "x" }, ct);
                    await ssl.WriteAsync(new byte[1], ct);
                }
                finally
                {
                    {|TLS001:ssl.Dispose()|};
                }
            }
        }
        """);

    [Fact]
    public Task Stream_typed_alias_close_is_reported() => CSharpVerifier.VerifyAsync("""
        class C
        {
            async Task RunAsync(Stream inner, CancellationToken ct)
            {
                var ssl = new SslStream(inner);
                await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "x" }, ct);
                Stream s = ssl;
                await s.WriteAsync(new byte[1], ct);
                {|TLS001:s.Close()|};
            }
        }
        """);

    [Fact]
    public Task Raw_socket_closed_while_the_tls_stream_is_left_alone_is_reported() => CSharpVerifier.VerifyAsync("""
        class C
        {
            async Task RunAsync(Socket socket, CancellationToken ct)
            {
                var ssl = new SslStream(new NetworkStream(socket));
                await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "x" }, ct);
                await ssl.WriteAsync(new byte[1], ct);
                {|TLS001:socket.Close()|};
            }
        }
        """);

    [Fact]
    public Task Tcp_client_closed_before_the_tls_stream_is_reported_once() => CSharpVerifier.VerifyAsync("""
        class C
        {
            async Task RunAsync(CancellationToken ct)
            {
                var tcp = new TcpClient();
                await tcp.ConnectAsync("x", 443, ct);
                var ns = tcp.GetStream();
                var ssl = new SslStream(ns);
                await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "x" }, ct);
                {|TLS001:tcp.Close()|};
                ssl.Dispose();
            }
        }
        """);

    [Fact]
    public Task Socket_shutdown_is_reported() => CSharpVerifier.VerifyAsync("""
        class C
        {
            async Task RunAsync(Socket socket, CancellationToken ct)
            {
                using var ns = new NetworkStream(socket, ownsSocket: true);
                var ssl = new SslStream(ns);
                await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions(), ct);
                {|TLS001:socket.Shutdown(SocketShutdown.Both)|};
            }
        }
        """);

    [Fact]
    public Task Owner_class_disposing_its_field_is_reported() => CSharpVerifier.VerifyAsync("""
        sealed class Connection : IDisposable
        {
            private readonly TcpClient _tcp;
            private readonly SslStream _ssl;

            public Connection(TcpClient tcp)
            {
                _tcp = tcp;
                _ssl = new SslStream(tcp.GetStream());
            }

            public Task StartAsync(CancellationToken ct) =>
                _ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "x" }, ct);

            public void Dispose()
            {
                {|TLS001:_ssl?.Dispose()|};
                _tcp?.Dispose();
            }
        }
        """);

    [Fact]
    public Task Stream_typed_field_holding_a_tls_stream_is_reported() => CSharpVerifier.VerifyAsync("""
        sealed class Connection : IAsyncDisposable
        {
            private Stream? _stream;
            private readonly TcpClient _tcp = new();

            public async Task ConnectAsync(string host, bool tls, CancellationToken ct)
            {
                await _tcp.ConnectAsync(host, 443, ct);
                _stream = _tcp.GetStream();
                if (tls)
                {
                    var ssl = new SslStream(_stream);
                    await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = host }, ct);
                    _stream = ssl;
                }
            }

            public async ValueTask DisposeAsync()
            {
                if (_stream != null) await {|TLS001:_stream.DisposeAsync()|};
                _tcp.Dispose();
            }
        }
        """);

    [Fact]
    public Task Owner_class_that_shuts_down_elsewhere_is_not_reported() => CSharpVerifier.VerifyAsync("""
        using TlsShutdown;

        sealed class Connection : IDisposable
        {
            private readonly SslStream _ssl;

            public Connection(Stream inner) => _ssl = new SslStream(inner);

            public async Task CloseAsync(CancellationToken ct)
            {
                await GracefulTlsClose.CloseAsync(_ssl, cancellationToken: ct);
            }

            public void Dispose() => _ssl.Dispose();
        }
        """);

    [Fact]
    public Task Parameter_disposed_is_reported() => CSharpVerifier.VerifyAsync("""
        class C
        {
            void Finish(SslStream ssl)
            {
                ssl.Write(new byte[1]);
                {|TLS001:ssl.Close()|};
            }
        }
        """);

    [Fact]
    public Task Stream_reader_owning_the_tls_stream_is_reported() => CSharpVerifier.VerifyAsync("""
        class C
        {
            async Task<string?> RunAsync(SslStream ssl)
            {
                var reader = new StreamReader(ssl);
                var line = await reader.ReadLineAsync();
                {|TLS001:reader.Dispose()|};
                return line;
            }
        }
        """);

    [Fact]
    public Task Accept_loop_handler_is_reported() => CSharpVerifier.VerifyAsync("""
        class Server
        {
            async Task AcceptLoopAsync(TcpListener listener, CancellationToken ct)
            {
                while (!ct.IsCancellationRequested)
                {
                    var client = await listener.AcceptTcpClientAsync(ct);
                    _ = HandleAsync(client, ct);
                }
            }

            async Task HandleAsync(TcpClient client, CancellationToken ct)
            {
                using var tcp = client;
                {|TLS001:using var ssl = new SslStream(tcp.GetStream());|}
                await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions(), ct);
                await ssl.WriteAsync(new byte[1], ct);
            }
        }
        """);

    [Fact]
    public Task Each_loop_iteration_is_a_fresh_connection() => CSharpVerifier.VerifyAsync("""
        class C
        {
            async Task RunAsync(TcpListener listener, CancellationToken ct)
            {
                while (true)
                {
                    var tcp = await listener.AcceptTcpClientAsync(ct);
                    var ssl = new SslStream(tcp.GetStream());
                    await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions(), ct);
                    {|TLS001:ssl.Dispose()|};
                }
            }
        }
        """);

    [Fact]
    public Task Local_function_and_lambda_are_analyzed_on_their_own() => CSharpVerifier.VerifyAsync("""
        class C
        {
            void Run(Stream inner, CancellationToken ct)
            {
                Func<Task> run = async () =>
                {
                    {|TLS001:using var ssl = new SslStream(inner);|}
                    await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "x" }, ct);
                };

                async Task LocalAsync()
                {
                    var ssl = new SslStream(inner);
                    await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "x" }, ct);
                    {|TLS001:ssl.Dispose()|};
                }

                _ = run();
                _ = LocalAsync();
            }
        }
        """);

    [Fact]
    public Task Tls_engine_stream_is_a_tls_stream() => CSharpVerifier.VerifyAsync("""
        class C
        {
            async Task RunAsync(Stream inner, CancellationToken ct)
            {
                {|TLS001:using var tls = new TlsShutdown.TlsEngineStream(inner);|}
                await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "x" }, ct);
            }
        }
        """);
}
