using TlsShutdown.Analyzers.Tests.Verifiers;

namespace TlsShutdown.Analyzers.Tests.Rules;

/// <summary>Shapes the real-world corpus found (tests/RealWorld/FINDINGS.md), each written anew.</summary>
public class TLS001CorpusShapesTests
{
    [Fact]
    public Task Teardown_of_reader_and_writer_fields_inside_a_try_is_reported() => CSharpVerifier.VerifyAsync("""
        sealed class DirectoryClient
        {
            private Stream? _in;
            private Stream? _out;
            private TcpClient? _tcp;

            public void Open(TcpClient tcp)
            {
                _tcp = tcp;
                _in = tcp.GetStream();
                _out = tcp.GetStream();
            }

            public async Task StartTlsAsync(CancellationToken ct)
            {
                var ssl = new SslStream(_tcp!.GetStream());
                await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "x" }, ct);
                _in = ssl;
                _out = ssl;
            }

            public void Destroy()
            {
                try
                {
                    {|TLS001:_in?.Dispose()|};
                    _out?.Dispose();
                    _tcp?.Dispose();
                }
                catch (IOException)
                {
                }
            }
        }
        """);
}

public class TLS001OwnWrapperTests
{
    private const string Wrapper = """
        sealed class BufferedConn : Stream
        {
            private readonly Stream _inner;
            public BufferedConn(Stream inner, int size) { _inner = inner; }
            protected override void Dispose(bool disposing)
            {
                if (disposing) _inner?.Dispose();
                base.Dispose(disposing);
            }
            public override bool CanRead => true;
            public override bool CanSeek => false;
            public override bool CanWrite => true;
            public override long Length => 0;
            public override long Position { get => 0; set { } }
            public override void Flush() => _inner.Flush();
            public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, count);
            public override long Seek(long offset, SeekOrigin origin) => 0;
            public override void SetLength(long value) { }
            public override void Write(byte[] buffer, int offset, int count) => _inner.Write(buffer, offset, count);
        }

        sealed class Peeker : IDisposable
        {
            private readonly Stream _inner;
            public Peeker(Stream inner) { _inner = inner; }
            public void Dispose() { }
        }

        """;

    [Fact]
    public Task The_projects_own_wrapper_disposing_its_inner_stream_owns_it() => CSharpVerifier.VerifyAsync(Wrapper + """
        class Proxy
        {
            static Task ServeAsync(Stream s) => Task.CompletedTask;

            async Task HandleAsync(Stream client, CancellationToken ct)
            {
                var ssl = new SslStream(client, false);
                await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions(), ct);
                var conn = new BufferedConn(ssl, 4096);
                try
                {
                    await ServeAsync(conn);
                }
                finally
                {
                    {|TLS001:conn.Dispose()|};
                }
            }
        }
        """);

    [Fact]
    public Task A_wrapper_that_does_not_dispose_its_inner_stream_does_not_own_it() => CSharpVerifier.VerifyAsync("using TlsShutdown;\n" + Wrapper + """
        class Proxy
        {
            async Task HandleAsync(Stream client, CancellationToken ct)
            {
                var ssl = new SslStream(client, false);
                await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions(), ct);
                using (var peek = new Peeker(ssl))
                {
                }

                await GracefulTlsClose.CloseAsync(ssl, cancellationToken: ct);
            }
        }
        """);
}
