using TlsShutdown.Analyzers.Tests.Verifiers;

namespace TlsShutdown.Analyzers.Tests.Rules;

/// <summary>
/// Helpers of the same compilation are summarized instead of opaque: one that shuts down or gracefully
/// closes the stream it is given is a shutdown at its call sites; one that only disposes it is a close;
/// one that returns a TLS stream typed as Stream returns a TLS stream.
/// </summary>
public class TLS001HelperTests
{
    [Fact]
    public Task Helper_that_closes_gracefully_counts_as_a_shutdown() => CSharpVerifier.VerifyAsync("""
        using TlsShutdown;

        static class TlsUtil
        {
            public static async Task CloseNicelyAsync(Stream stream)
            {
                if (stream is SslStream ssl) await GracefulTlsClose.CloseAsync(ssl);
                else stream.Dispose();
            }

            public static void Bye(this SslStream ssl) => ssl.ShutdownAsync().Wait(TimeSpan.FromSeconds(2));
        }

        sealed class Session : IDisposable
        {
            private SslStream? _ssl;

            public async Task OpenAsync(Stream inner, CancellationToken ct)
            {
                _ssl = new SslStream(inner);
                await _ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "x" }, ct);
            }

            public Task CloseAsync() => TlsUtil.CloseNicelyAsync(_ssl!);

            public void Dispose() => _ssl?.Dispose();
        }

        class Once
        {
            async Task RunAsync(Stream inner, CancellationToken ct)
            {
                using var ssl = new SslStream(inner);
                await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "x" }, ct);
                ssl.Bye();
            }
        }
        """);

    [Fact]
    public Task Without_the_helper_the_same_class_is_reported() => CSharpVerifier.VerifyAsync("""
        static class TlsUtil
        {
            public static void Log(Stream stream) => Console.WriteLine(stream.CanRead);
        }

        sealed class Session : IDisposable
        {
            private SslStream? _ssl;

            public async Task OpenAsync(Stream inner, CancellationToken ct)
            {
                _ssl = new SslStream(inner);
                await _ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "x" }, ct);
            }

            public void Close() => TlsUtil.Log(_ssl!);

            public void Dispose() => {|TLS001:_ssl?.Dispose()|};
        }
        """);

    [Fact]
    public Task Helper_that_only_disposes_a_stream_parameter_is_the_close() => CSharpVerifier.VerifyAsync("""
        static class Quietly
        {
            public static void Dispose(Stream? stream)
            {
                try { stream?.Dispose(); } catch (IOException) { }
            }
        }

        class Client
        {
            async Task RunAsync(Socket socket, CancellationToken ct)
            {
                var ssl = new SslStream(new NetworkStream(socket));
                await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "x" }, ct);
                await ssl.WriteAsync(new byte[1], ct);
                {|TLS001:Quietly.Dispose(ssl)|};
                socket.Dispose();
            }
        }
        """);

    [Fact]
    public Task Helper_with_a_tls_typed_parameter_reports_inside_not_at_each_call() => CSharpVerifier.VerifyAsync("""
        class Client
        {
            static void Drop(SslStream ssl)
            {
                {|TLS001:ssl.Dispose()|};
            }

            async Task RunAsync(Socket socket, CancellationToken ct)
            {
                var ssl = new SslStream(new NetworkStream(socket));
                await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "x" }, ct);
                Drop(ssl);
                socket.Dispose();
            }
        }
        """);

    [Fact]
    public Task Helper_returning_a_tls_stream_as_stream_feeds_a_field() => CSharpVerifier.VerifyAsync("""
        static class Upgrade
        {
            public static async Task<Stream> ToTlsAsync(Stream plain, string host, CancellationToken ct)
            {
                Stream result = plain;
                var ssl = new SslStream(plain);
                await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = host }, ct);
                result = ssl;
                return result;
            }
        }

        sealed class QueueClient : IDisposable
        {
            private Stream _stream = Stream.Null;

            public async Task ConnectAsync(Stream plain, bool tls, CancellationToken ct)
            {
                _stream = tls ? await Upgrade.ToTlsAsync(plain, "x", ct) : plain;
            }

            public void Dispose() => {|TLS001:_stream.Dispose()|};
        }
        """);

    [Fact]
    public Task Helper_returning_a_plain_stream_does_not_make_the_field_tls() => CSharpVerifier.VerifyAsync("""
        static class Upgrade
        {
            public static async Task<Stream> BufferAsync(Stream plain, CancellationToken ct)
            {
                await Task.Yield();
                return new BufferedStream(plain);
            }
        }

        sealed class QueueClient : IDisposable
        {
            private Stream _stream = Stream.Null;
            private SslStream? _unused;

            public async Task ConnectAsync(Stream plain, CancellationToken ct)
            {
                _stream = await Upgrade.BufferAsync(plain, ct);
            }

            public void Dispose() => _stream.Dispose();
        }
        """);
}
