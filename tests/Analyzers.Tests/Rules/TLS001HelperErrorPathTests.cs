using TlsShutdown.Analyzers.Tests.Verifiers;

namespace TlsShutdown.Analyzers.Tests.Rules;

/// <summary>
/// Same-compilation helpers are summarized from their normal paths: one that disposes its stream only when
/// something fails (a catch block) or when a timer fires is not a close at its call sites (corpus F7).
/// </summary>
public class TLS001HelperErrorPathTests
{
    [Fact]
    public Task A_helper_that_disposes_its_stream_only_on_failure_keeps_it() => CSharpVerifier.VerifyAsync("""
        class Client
        {
            private Stream? _stream;

            async Task ConnectAsync(TcpClient tcp, SslClientAuthenticationOptions options, CancellationToken ct)
            {
                var ssl = new SslStream(tcp.GetStream());
                await ssl.AuthenticateAsClientAsync(options, ct);
                await AttachAsync(ssl, ct);
            }

            async Task AttachAsync(Stream stream, CancellationToken ct)
            {
                try
                {
                    await stream.WriteAsync(new byte[] { 1 }, ct);
                }
                catch
                {
                    stream.Dispose();
                    throw;
                }

                _stream = stream;
            }

            string Read(Stream stream)
            {
                using var timer = new Timer(_ => stream.Close(), null, 15000, Timeout.Infinite);
                return new StreamReader(stream, leaveOpen: true).ReadLine() ?? "";
            }

            string Greet(SslStream ssl) => Read(ssl);
        }
        """);

    [Fact]
    public Task A_helper_that_disposes_its_stream_on_its_normal_path_is_still_the_close() => CSharpVerifier.VerifyAsync("""
        class Client
        {
            async Task RunAsync(TcpClient tcp, SslClientAuthenticationOptions options, CancellationToken ct)
            {
                var ssl = new SslStream(tcp.GetStream());
                await ssl.AuthenticateAsClientAsync(options, ct);
                {|TLS001:Release(ssl)|};
            }

            static void Release(Stream stream)
            {
                try
                {
                    stream.Flush();
                }
                catch (IOException)
                {
                }

                stream.Dispose();
            }
        }
        """);

    [Fact]
    public Task A_shutdown_run_in_a_lambda_of_a_close_override_still_makes_the_subclass_close_gracefully() => CSharpVerifier.VerifyAsync("""
        class ClosingSslStream : SslStream
        {
            public ClosingSslStream(Stream inner) : base(inner) { }

            public override void Close()
            {
                Task.Run(async () => await {|TLS003:base.ShutdownAsync()|}).Wait();
                base.Close();
            }
        }

        class C
        {
            async Task RunAsync(TcpClient tcp, SslClientAuthenticationOptions options, CancellationToken ct)
            {
                var ssl = new ClosingSslStream(tcp.GetStream());
                await ssl.AuthenticateAsClientAsync(options, ct);
                ssl.Dispose();
            }
        }
        """);
}
