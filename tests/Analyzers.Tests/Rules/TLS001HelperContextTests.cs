using TlsShutdown.Analyzers.Tests.Verifiers;

namespace TlsShutdown.Analyzers.Tests.Rules;

/// <summary>
/// A private helper runs in the context its callers give it: called only from error handling it is error
/// handling; a field group that every caller already closed is not live when it starts.
/// </summary>
public class TLS001HelperContextTests
{
    [Fact]
    public Task Helper_called_only_from_catch_blocks_and_faulted_continuations_is_quiet() => CSharpVerifier.VerifyAsync("""
        sealed class Pipeline
        {
            private TcpClient? _tcp;
            private SslStream? _ssl;

            public async Task StartAsync(TcpClient tcp, CancellationToken ct)
            {
                _tcp = tcp;
                _ssl = new SslStream(tcp.GetStream());
                try
                {
                    await _ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "x" }, ct);
                }
                catch (IOException)
                {
                    CloseQuietly();
                    throw;
                }

                _ = _ssl.WriteAsync(new byte[1], ct).AsTask().ContinueWith(_ => CloseQuietly(), TaskContinuationOptions.OnlyOnFaulted);
            }

            private void CloseQuietly()
            {
                try { _ssl?.Dispose(); _tcp?.Close(); } catch (ObjectDisposedException) { }
            }
        }
        """);

    [Fact]
    public Task Helper_taking_the_exception_it_handles_is_a_failure_handler() => CSharpVerifier.VerifyAsync("""
        sealed class Pipeline
        {
            private SslStream? _ssl;

            public async Task StartAsync(Stream inner, CancellationToken ct)
            {
                _ssl = new SslStream(inner);
                await _ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "x" }, ct);
                var n = await _ssl.ReadAsync(new byte[1], ct);
                if (n == 0) OnFailure(new EndOfStreamException());
            }

            private void OnFailure(Exception error)
            {
                Console.WriteLine(error.Message);
                _ssl?.Dispose();
            }
        }
        """);

    [Fact]
    public Task Helper_also_called_on_a_normal_path_is_reported() => CSharpVerifier.VerifyAsync("""
        sealed class Pipeline
        {
            private SslStream? _ssl;

            public async Task StartAsync(Stream inner, CancellationToken ct)
            {
                _ssl = new SslStream(inner);
                try
                {
                    await _ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "x" }, ct);
                }
                catch (IOException)
                {
                    Teardown();
                    throw;
                }
            }

            public void Stop() => Teardown();

            private void Teardown()
            {
                {|TLS001:_ssl?.Dispose()|};
            }
        }
        """);

    [Fact]
    public Task Transport_helper_whose_every_caller_closed_the_tls_stream_first_is_quiet() => CSharpVerifier.VerifyAsync("""
        sealed class WebSocketConnection
        {
            private Socket? _socket;
            private SslStream? _stream;

            public async Task OpenAsync(Socket socket, CancellationToken ct)
            {
                _socket = socket;
                _stream = new SslStream(new NetworkStream(socket));
                await _stream.AuthenticateAsServerAsync(new SslServerAuthenticationOptions(), ct);
            }

            public void Close()
            {
                DisposeStream();
                CloseSocket();
            }

            private void DisposeStream()
            {
                {|TLS001:_stream?.Dispose()|};
            }

            private void CloseSocket()
            {
                _socket?.Shutdown(SocketShutdown.Both);
                _socket?.Close();
            }
        }
        """);

    [Fact]
    public Task Transport_helper_called_while_the_tls_stream_is_open_is_reported() => CSharpVerifier.VerifyAsync("""
        sealed class WebSocketConnection
        {
            private Socket? _socket;
            private SslStream? _stream;

            public async Task OpenAsync(Socket socket, CancellationToken ct)
            {
                _socket = socket;
                _stream = new SslStream(new NetworkStream(socket));
                await _stream.AuthenticateAsServerAsync(new SslServerAuthenticationOptions(), ct);
            }

            public void Abort() => CloseSocket();

            private void CloseSocket()
            {
                {|TLS001:_socket?.Shutdown(SocketShutdown.Both)|};
                _socket?.Close();
            }
        }
        """);
}
