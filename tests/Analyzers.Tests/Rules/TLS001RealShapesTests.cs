using TlsShutdown.Analyzers.Tests.Verifiers;

namespace TlsShutdown.Analyzers.Tests.Rules;

/// <summary>Shapes real connection classes use that the analysis must follow: each reported, and its quiet twin.</summary>
public class TLS001RealShapesTests
{
    [Fact]
    public Task Auto_property_holding_the_tls_stream_is_a_field() => CSharpVerifier.VerifyAsync("""
        sealed class MailSession : IDisposable
        {
            private Stream Transport { get; set; } = Stream.Null;
            public Stream Reader { get; private set; } = Stream.Null;

            public async Task StartTlsAsync(string host, CancellationToken ct)
            {
                var ssl = new SslStream(Transport);
                await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = host }, ct);
                Reader = ssl;
            }

            public void Dispose()
            {
                {|TLS001:Reader.Dispose()|};
            }
        }
        """);

    [Fact]
    public Task Auto_property_shut_down_by_the_class_is_quiet() => CSharpVerifier.VerifyAsync("""
        using TlsShutdown;

        sealed class MailSession : IDisposable
        {
            private SslStream? Secure { get; set; }

            public async Task StartTlsAsync(Stream inner, string host, CancellationToken ct)
            {
                Secure = new SslStream(inner);
                await Secure.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = host }, ct);
            }

            public async Task QuitAsync(CancellationToken ct)
            {
                if (Secure != null) await GracefulTlsClose.CloseAsync(Secure, cancellationToken: ct);
            }

            public void Dispose() => Secure?.Dispose();
        }
        """);

    [Fact]
    public Task Computed_property_is_not_followed_as_a_field() => CSharpVerifier.VerifyAsync("""
        sealed class Wrapper
        {
            private readonly Dictionary<int, Stream> _streams = new();
            private Stream Current => _streams[0];

            public async Task OpenAsync(Stream inner, CancellationToken ct)
            {
                var ssl = new SslStream(inner);
                await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "x" }, ct);
                _streams[0] = ssl;
            }

            public void Close() => Current.Dispose();
        }
        """);

    [Fact]
    public Task Field_assigned_from_a_helper_returning_a_tls_stream_may_hold_tls() => CSharpVerifier.VerifyAsync("""
        sealed class BrokerConnection : IAsyncDisposable
        {
            private Stream _stream;

            public BrokerConnection(Stream plain) => _stream = plain;

            public async Task UpgradeAsync(string host, CancellationToken ct)
            {
                _stream = await CreateTlsStreamAsync(_stream, host, ct);
            }

            private static async Task<SslStream> CreateTlsStreamAsync(Stream inner, string host, CancellationToken ct)
            {
                var ssl = new SslStream(inner);
                await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = host }, ct);
                return ssl;
            }

            public async ValueTask DisposeAsync()
            {
                await {|TLS001:_stream.DisposeAsync()|};
            }
        }
        """);

    [Fact]
    public Task Field_assigned_from_a_helper_and_shut_down_by_the_class_is_quiet() => CSharpVerifier.VerifyAsync("""
        using TlsShutdown;

        sealed class BrokerConnection : IAsyncDisposable
        {
            private SslStream? _stream;

            public async Task ConnectAsync(Stream inner, string host, CancellationToken ct)
            {
                _stream = await CreateTlsStreamAsync(inner, host, ct);
            }

            private static async Task<SslStream> CreateTlsStreamAsync(Stream inner, string host, CancellationToken ct)
            {
                var ssl = new SslStream(inner);
                try
                {
                    await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = host }, ct);
                    return ssl;
                }
                catch
                {
                    ssl.Dispose();
                    throw;
                }
            }

            public async ValueTask DisposeAsync()
            {
                if (_stream != null) await GracefulTlsClose.CloseAsync(_stream);
            }
        }
        """);

    [Fact]
    public Task Local_copy_of_a_transport_field_cleared_before_closing_is_the_transport() => CSharpVerifier.VerifyAsync("""
        sealed class Channel
        {
            private Socket? _socket;
            private SslStream? _ssl;

            public async Task OpenAsync(Socket socket, CancellationToken ct)
            {
                _socket = socket;
                _ssl = new SslStream(new NetworkStream(socket));
                await _ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "x" }, ct);
            }

            public void Close()
            {
                var s = _socket;
                _socket = null;
                if (s == null) return;
                {|TLS001:s.Shutdown(SocketShutdown.Both)|};
                s.Close();
            }

            public void CloseWithUsing()
            {
                {|TLS001:using (var s = _socket)|}
                {
                    s?.Send(new byte[1]);
                }
            }
        }
        """);

    [Fact]
    public Task Method_that_closes_the_stream_it_passed_on_is_reported() => CSharpVerifier.VerifyAsync("""
        sealed class Framer
        {
            public Framer(Stream stream) { }
            public Task RunAsync(CancellationToken ct) => Task.CompletedTask;
        }

        class Server
        {
            async Task ServeAsync(Socket socket, CancellationToken ct)
            {
                var stream = new SslStream(new NetworkStream(socket));
                try
                {
                    await stream.AuthenticateAsServerAsync(new SslServerAuthenticationOptions(), ct);
                    var framer = new Framer(stream);
                    await framer.RunAsync(ct);
                }
                finally
                {
                    await {|TLS001:stream.DisposeAsync()|};
                    socket.Dispose();
                }
            }
        }
        """);

    [Fact]
    public Task Stream_passed_on_and_left_to_its_new_owner_is_quiet() => CSharpVerifier.VerifyAsync("""
        sealed class Framer
        {
            public Framer(Stream stream) { }
            public Task RunAsync(CancellationToken ct) => Task.CompletedTask;
        }

        class Server
        {
            async Task<Framer> AcceptAsync(Socket socket, CancellationToken ct)
            {
                var stream = new SslStream(new NetworkStream(socket, ownsSocket: true));
                await stream.AuthenticateAsServerAsync(new SslServerAuthenticationOptions(), ct);
                var framer = new Framer(stream);
                await framer.RunAsync(ct);
                socket.Dispose();
                return framer;
            }
        }
        """);
}

public class TLS001OwnerClassTests
{
    [Fact]
    public Task Transport_closed_in_the_owner_class_whose_stream_field_holds_tls() => CSharpVerifier.VerifyAsync("""
        sealed class SipChannel
        {
            private readonly Socket _socket;
            private NetworkStream? _net;
            private Stream? _io;

            public SipChannel(Socket socket)
            {
                _socket = socket;
                _net = new NetworkStream(_socket);
                _io = _net;
            }

            public async Task ConnectAsync(string host, CancellationToken ct)
            {
                var ssl = new SslStream(_net!);
                await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = host }, ct);
                _io = ssl;
            }

            public void Shutdown()
            {
                {|TLS001:_socket.Shutdown(SocketShutdown.Both)|};
                _socket.Close();
            }
        }
        """);

    [Fact]
    public Task Transport_closed_after_the_owner_class_closed_its_tls_field_gracefully_is_quiet() => CSharpVerifier.VerifyAsync("""
        using TlsShutdown;

        sealed class SipChannel
        {
            private readonly Socket _socket;
            private NetworkStream? _net;
            private Stream? _io;

            public SipChannel(Socket socket)
            {
                _socket = socket;
                _net = new NetworkStream(_socket);
                _io = _net;
            }

            public async Task ConnectAsync(string host, CancellationToken ct)
            {
                var ssl = new SslStream(_net!);
                await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = host }, ct);
                _io = ssl;
            }

            public async Task ShutdownAsync()
            {
                if (_io is SslStream ssl) await GracefulTlsClose.CloseAsync(ssl);
                _socket.Shutdown(SocketShutdown.Both);
                _socket.Close();
            }
        }
        """);
}
