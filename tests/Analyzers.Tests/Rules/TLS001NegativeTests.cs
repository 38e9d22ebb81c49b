using TlsShutdown.Analyzers.Tests.Verifiers;

namespace TlsShutdown.Analyzers.Tests.Rules;

public class TLS001NegativeTests
{
    [Fact]
    public Task Graceful_close_before_the_end_of_the_using() => CSharpVerifier.VerifyAsync("""
        using TlsShutdown;

        class C
        {
            async Task RunAsync(Stream inner, CancellationToken ct)
            {
                using var ssl = new SslStream(inner);
                await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "x" }, ct);
                await ssl.WriteAsync(new byte[1], ct);
                await GracefulTlsClose.CloseAsync(ssl, cancellationToken: ct);
            }
        }
        """);

    [Fact]
    public Task Bounded_shutdown_before_dispose() => CSharpVerifier.VerifyAsync("""
        class C
        {
            async Task RunAsync(Stream inner, CancellationToken ct)
            {
                var ssl = new SslStream(inner);
                await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "x" }, ct);
                await ssl.ShutdownAsync().WaitAsync(TimeSpan.FromSeconds(5), ct);
                ssl.Dispose();
            }
        }
        """);

    [Fact]
    public Task Shutdown_on_one_path_is_a_deliberate_choice() => CSharpVerifier.VerifyAsync("""
        class C
        {
            async Task RunAsync(SslStream ssl, bool graceful)
            {
                if (graceful) await Task.WhenAny(ssl.ShutdownAsync(), Task.Delay(1000));
                ssl.Dispose();
            }
        }
        """);

    [Fact]
    public Task Returned_stream_leaves_the_method() => CSharpVerifier.VerifyAsync("""
        class C
        {
            async Task<SslStream> ConnectAsync(Stream inner, CancellationToken ct)
            {
                var ssl = new SslStream(inner);
                try
                {
                    await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "x" }, ct);
                    return ssl;
                }
                catch
                {
                    ssl.Dispose();
                    throw;
                }
            }
        }
        """);

    [Fact]
    public Task Stream_handed_to_a_constructor_or_stored_elsewhere_leaves_the_method() => CSharpVerifier.VerifyAsync("""
        class Session { public Session(Stream s) { } public Stream? Stream { get; set; } }

        class C
        {
            List<SslStream> _all = new();

            async Task<Session> OpenAsync(Stream inner, CancellationToken ct)
            {
                var ssl = new SslStream(inner);
                await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "x" }, ct);
                var session = new Session(ssl);
                return session;
            }

            async Task KeepAsync(Stream inner, Session other, CancellationToken ct)
            {
                var ssl = new SslStream(inner);
                await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "x" }, ct);
                other.Stream = ssl;
                var second = new SslStream(inner);
                await second.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "x" }, ct);
                _all.Add(second);
                inner.Dispose();
            }
        }
        """);

    [Fact]
    public Task Failed_handshake_paths_and_catch_blocks_are_not_reported() => CSharpVerifier.VerifyAsync("""
        using TlsShutdown;

        class C
        {
            async Task RunAsync(Stream inner, CancellationToken ct)
            {
                var ssl = new SslStream(inner);
                try
                {
                    await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "x" }, ct);
                }
                catch (Exception)
                {
                    ssl.Dispose();
                    return;
                }

                await GracefulTlsClose.CloseAsync(ssl, cancellationToken: ct);
            }

            async Task HandshakeOnlyAsync(Stream inner, CancellationToken ct)
            {
                // The using disposes only when the handshake throws; the normal path closes gracefully.
                using var ssl = new SslStream(inner);
                await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "x" }, ct);
                GracefulTlsClose.Close(ssl);
            }

            void NeverAuthenticated(Stream inner)
            {
                var ssl = new SslStream(inner);
                ssl.Dispose();
            }
        }
        """);

    [Fact]
    public Task Deliberate_abortive_closes_are_not_reported() => CSharpVerifier.VerifyAsync("""
        class C
        {
            async Task LingerAsync(TcpClient tcp, CancellationToken ct)
            {
                var ssl = new SslStream(tcp.GetStream());
                await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "x" }, ct);
                tcp.LingerState = new LingerOption(true, 0);
                tcp.Close();
            }

            async Task CloseZeroAsync(Socket socket, CancellationToken ct)
            {
                var ssl = new SslStream(new NetworkStream(socket));
                await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "x" }, ct);
                socket.Close(0);
            }
        }
        """);

    [Fact]
    public Task Captured_by_a_lambda_is_not_reported_in_the_outer_method() => CSharpVerifier.VerifyAsync("""
        using TlsShutdown;

        class C
        {
            async Task RunAsync(Stream inner, CancellationToken ct)
            {
                var ssl = new SslStream(inner);
                await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "x" }, ct);
                ct.Register(() => GracefulTlsClose.Close(ssl));
                ssl.Dispose();
            }
        }
        """);

    [Fact]
    public Task Leave_open_wrapper_does_not_close_the_stream() => CSharpVerifier.VerifyAsync("""
        class C
        {
            async Task<string?> RunAsync(SslStream ssl)
            {
                using var reader = new StreamReader(ssl, leaveOpen: true);
                return await reader.ReadLineAsync();
            }
        }
        """);

    [Fact]
    public Task No_tls_types_means_no_analysis() => CSharpVerifier.VerifyAsync("""
        class C
        {
            void Run(TcpClient tcp)
            {
                using var ns = tcp.GetStream();
                ns.Write(new byte[1]);
                tcp.Close();
            }
        }
        """);

    [Fact]
    public Task Subclass_whose_close_sends_close_notify_is_a_graceful_close() => CSharpVerifier.VerifyAsync("""
        sealed class ClosingSslStream : SslStream
        {
            public ClosingSslStream(Stream inner) : base(inner) { }

            public override void Close()
            {
                ShutdownAsync().Wait(TimeSpan.FromSeconds(3));
                base.Close();
            }
        }

        sealed class Connection : IDisposable
        {
            private ClosingSslStream? _ssl;
            private NetworkStream? _net;

            public async Task OpenAsync(Socket socket, CancellationToken ct)
            {
                _net = new NetworkStream(socket);
                _ssl = new ClosingSslStream(_net);
                await _ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "x" }, ct);
            }

            public void Dispose()
            {
                _ssl?.Dispose();
                _net?.Dispose();
            }

            public void DisposeNetStream() => _net?.Dispose();
        }
        """);

    [Fact]
    public Task Old_transport_kept_in_a_local_while_the_field_is_replaced_is_not_reported() => CSharpVerifier.VerifyAsync("""
        using TlsShutdown;

        sealed class Data
        {
            private Socket _socket = null!;
            private SslStream? _ssl;

            public async Task AcceptAsync(CancellationToken ct)
            {
                var listening = _socket;
                _socket = await _socket.AcceptAsync(ct);
                listening.Close();
            }

            public async Task SecureAsync(CancellationToken ct)
            {
                _ssl = new SslStream(new NetworkStream(_socket));
                await _ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "x" }, ct);
            }

            public async Task CloseAsync(CancellationToken ct)
            {
                if (_ssl != null) await GracefulTlsClose.CloseAsync(_ssl, cancellationToken: ct);
                _socket.Close();
            }
        }
        """);

    [Fact]
    public Task Stream_moved_into_a_field_belongs_to_the_class() => CSharpVerifier.VerifyAsync("""
        sealed class Connector
        {
            private Stream _stream = Stream.Null;

            public async Task UpgradeAsync(CancellationToken ct)
            {
                SslStream? ssl = new SslStream(_stream, leaveInnerStreamOpen: false);
                try
                {
                    await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "x" }, ct);
                    _stream = ssl;
                    ssl = null;
                }
                finally
                {
                    ssl?.Dispose();
                }
            }
        }
        """);
}
