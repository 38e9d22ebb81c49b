using TlsShutdown.Analyzers.Tests.Verifiers;

namespace TlsShutdown.Analyzers.Tests.Rules;

/// <summary>What bounds a handshake: a continuation does not; a receive timeout does only with a positive value.</summary>
public class TLS005TimeoutValueTests
{
    [Fact]
    public Task Handshake_task_only_continued_is_unbounded() => CSharpVerifier.VerifyAsync("""
        class Handler
        {
            void Start(SslStream ssl)
            {
                {|TLS005:ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions())|}
                    .ContinueWith(t => Console.WriteLine(t.Status), TaskContinuationOptions.ExecuteSynchronously);
            }
        }
        """);

    [Fact]
    public Task Continued_handshake_raced_against_a_delay_is_bounded() => CSharpVerifier.VerifyAsync("""
        class Handler
        {
            async Task StartAsync(SslStream ssl)
            {
                var continued = ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions()).ContinueWith(t => t.IsFaulted);
                await Task.WhenAny(continued, Task.Delay(10_000));
            }
        }
        """);

    [Fact]
    public Task Receive_timeout_of_zero_or_infinite_does_not_bound_a_sync_handshake() => CSharpVerifier.VerifyAsync("""
        class Client
        {
            void ZeroProperty(TcpClient tcp)
            {
                tcp.ReceiveTimeout = 0;
                var ssl = new SslStream(tcp.GetStream());
                {|TLS005:ssl.AuthenticateAsClient("x")|};
                TlsShutdown.GracefulTlsClose.Close(ssl);
            }

            void InfiniteOption(Socket socket)
            {
                socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReceiveTimeout, Timeout.Infinite);
                var ssl = new SslStream(new NetworkStream(socket));
                {|TLS005:ssl.AuthenticateAsClient("x")|};
                TlsShutdown.GracefulTlsClose.Close(ssl);
            }

            void OtherOption(Socket socket)
            {
                socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.SendTimeout, 5000);
                var ssl = new SslStream(new NetworkStream(socket));
                {|TLS005:ssl.AuthenticateAsClient("x")|};
                TlsShutdown.GracefulTlsClose.Close(ssl);
            }
        }
        """);

    [Fact]
    public Task Receive_timeout_option_with_a_positive_value_bounds_a_sync_handshake() => CSharpVerifier.VerifyAsync("""
        class Client
        {
            void Option(Socket socket)
            {
                socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReceiveTimeout, 5000);
                var ssl = new SslStream(new NetworkStream(socket));
                ssl.AuthenticateAsClient("x");
                TlsShutdown.GracefulTlsClose.Close(ssl);
            }

            void Configured(Socket socket, int timeoutMs)
            {
                socket.ReceiveTimeout = timeoutMs;
                var ssl = new SslStream(new NetworkStream(socket));
                ssl.AuthenticateAsClient("x");
                TlsShutdown.GracefulTlsClose.Close(ssl);
            }
        }
        """);
}
