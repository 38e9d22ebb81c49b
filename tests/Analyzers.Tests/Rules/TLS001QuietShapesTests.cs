using TlsShutdown.Analyzers.Tests.Verifiers;

namespace TlsShutdown.Analyzers.Tests.Rules;

/// <summary>
/// Closes real code makes where no live TLS connection ends normally: before TLS exists, in failure
/// handlers, or as a deliberate abort configured elsewhere in the class. Each has a twin that is reported.
/// </summary>
public class TLS001QuietShapesTests
{
    [Fact]
    public Task Transport_closed_on_a_connect_timeout_before_tls_exists_is_quiet() => CSharpVerifier.VerifyAsync("""
        sealed class Client : IDisposable
        {
            private TcpClient? _tcp;
            private SslStream? _ssl;

            public async Task ConnectAsync(string host, TimeSpan limit, CancellationToken ct)
            {
                _tcp = new TcpClient();
                var connect = _tcp.ConnectAsync(host, 443, ct).AsTask();
                if (await Task.WhenAny(connect, Task.Delay(limit, ct)) != connect)
                {
                    _tcp.Close();
                    throw new TimeoutException();
                }

                _ssl = new SslStream(_tcp.GetStream());
                await _ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = host }, ct);
            }

            public async Task<bool> TryConnectTcpAsync(string host, CancellationToken ct)
            {
                _tcp = new TcpClient();
                try
                {
                    await _tcp.ConnectAsync(host, 443, ct);
                }
                catch (SocketException)
                {
                }

                if (_tcp.Connected) return true;
                _tcp.Close();
                return false;
            }

            // The normal end of the connection is still reported.
            public void Dispose() => {|TLS001:_tcp?.Dispose()|};
        }
        """);

    [Fact]
    public Task Transport_closed_after_tls_was_set_up_in_the_same_method_is_reported() => CSharpVerifier.VerifyAsync("""
        sealed class Client
        {
            private TcpClient? _tcp;
            private SslStream? _ssl;

            public async Task ProbeAsync(string host, CancellationToken ct)
            {
                _tcp = new TcpClient();
                await _tcp.ConnectAsync(host, 443, ct);
                _ssl = new SslStream(_tcp.GetStream());
                await _ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = host }, ct);
                {|TLS001:_tcp.Close()|};
            }
        }
        """);

    [Fact]
    public Task Cancellation_callback_registered_while_connecting_is_quiet() => CSharpVerifier.VerifyAsync("""
        using TlsShutdown;

        class Dialer
        {
            async Task DialAsync(string host, CancellationToken ct)
            {
                var tcp = new TcpClient();
                using var registration = ct.Register(() => tcp.Client.Dispose());
                await tcp.ConnectAsync(host, 443, ct);
                var ssl = new SslStream(tcp.GetStream());
                await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = host }, ct);
                await GracefulTlsClose.CloseAsync(ssl, cancellationToken: ct);
            }

            async Task WatchAsync(SslStream ssl, Task reader)
            {
                await reader.ContinueWith(_ => ssl.Dispose(), TaskContinuationOptions.OnlyOnFaulted);
            }
        }
        """);

    [Fact]
    public Task A_callback_that_runs_on_success_is_still_analyzed() => CSharpVerifier.VerifyAsync("""
        class Dialer
        {
            Task FinishAsync(SslStream ssl, Task writer) =>
                writer.ContinueWith(_ => {|TLS001:ssl.Dispose()|}, TaskContinuationOptions.OnlyOnRanToCompletion);
        }
        """);

    [Fact]
    public Task Linger_zero_configured_in_the_connect_method_makes_closes_deliberate_aborts() => CSharpVerifier.VerifyAsync("""
        sealed class Relay : IDisposable
        {
            private Socket? _socket;
            private SslStream? _ssl;
            private TcpClient? _tcp;
            private SslStream? _tcpSsl;

            public async Task ConnectAsync(Socket socket, CancellationToken ct)
            {
                socket.LingerState = new LingerOption(true, 0);
                _socket = socket;
                _ssl = new SslStream(new NetworkStream(socket));
                await _ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "x" }, ct);
            }

            public async Task ConnectTcpAsync(TcpClient tcp, CancellationToken ct)
            {
                _tcp = tcp;
                _tcpSsl = new SslStream(tcp.GetStream());
                await _tcpSsl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "x" }, ct);
            }

            public void Dispose()
            {
                _ssl?.Dispose();
                _socket?.Close();
            }

            public void Reset()
            {
                _tcpSsl?.Dispose();
                _tcp?.Client.Close(0);
            }
        }
        """);

    [Fact]
    public Task Without_an_abort_anywhere_in_the_class_the_close_is_reported() => CSharpVerifier.VerifyAsync("""
        sealed class Relay : IDisposable
        {
            private Socket? _socket;
            private SslStream? _ssl;

            public async Task ConnectAsync(Socket socket, CancellationToken ct)
            {
                socket.LingerState = new LingerOption(true, 5);
                _socket = socket;
                _ssl = new SslStream(new NetworkStream(socket));
                await _ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "x" }, ct);
            }

            public void Dispose()
            {
                {|TLS001:_ssl?.Dispose()|};
                _socket?.Close();
            }
        }
        """);
}

public class TLS001TransportReassignedTests
{
    [Fact]
    public Task A_close_before_the_method_puts_another_transport_in_the_field_is_reported() => CSharpVerifier.VerifyAsync("""
        sealed class DirectoryClient
        {
            private TcpClient _tcp = new();
            private TcpClient _plain = new();
            private Stream? _in;
            private Stream? _out;

            public async Task StartTlsAsync(CancellationToken ct)
            {
                var ssl = new SslStream(_tcp.GetStream());
                await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "x" }, ct);
                _in = ssl;
                _out = ssl;
            }

            public void StopTls()
            {
                {|TLS001:_out?.Dispose()|};
                _in?.Dispose();
                _tcp = _plain;
            }
        }
        """);
}
