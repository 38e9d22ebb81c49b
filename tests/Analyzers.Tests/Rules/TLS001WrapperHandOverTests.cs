using TlsShutdown.Analyzers.Tests.Verifiers;

namespace TlsShutdown.Analyzers.Tests.Rules;

/// <summary>
/// A wrapper object of the compilation given the TLS stream through one of its methods (<c>_lines.Attach(ssl)</c>)
/// after STARTTLS, which keeps it in a member its Dispose disposes: closing the wrapper closes the TLS stream
/// (corpus M8).
/// </summary>
public class TLS001WrapperHandOverTests
{
    private const string LineChannel = """
        sealed class LineChannel : IDisposable
        {
            private Stream _inner;
            public LineChannel(Stream inner) { _inner = inner; }
            public void Attach(Stream inner) { _inner = inner; }
            public void Dispose() => _inner.Dispose();
        }

        """;

    [Fact]
    public Task Wrapper_given_the_tls_stream_then_disposed_is_reported() => CSharpVerifier.VerifyAsync(LineChannel + """
        sealed class Courier
        {
            private readonly NetworkStream _net;
            private LineChannel _lines;

            public Courier(NetworkStream net) { _net = net; _lines = new LineChannel(net); }

            public async Task StartTlsAsync(CancellationToken ct)
            {
                var ssl = new SslStream(_net);
                _lines.Attach(ssl);
                await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "mail" }, ct);
            }

            public void Disconnect() => {|TLS001:_lines.Dispose()|};
        }
        """);

    [Fact]
    public Task Stream_wrapper_property_given_the_tls_stream_then_disposed_is_reported() => CSharpVerifier.VerifyAsync("""
        sealed class Framed : Stream
        {
            public Framed(Stream inner) { Inner = inner; }
            public Stream Inner { get; private set; }
            internal void Replace(Stream inner) { Inner = inner; }
            protected override void Dispose(bool disposing) { if (disposing) Inner.Dispose(); base.Dispose(disposing); }
            public override bool CanRead => true;
            public override bool CanSeek => false;
            public override bool CanWrite => true;
            public override long Length => 0;
            public override long Position { get => 0; set { } }
            public override void Flush() { }
            public override int Read(byte[] buffer, int offset, int count) => Inner.Read(buffer, offset, count);
            public override long Seek(long offset, SeekOrigin origin) => 0;
            public override void SetLength(long value) { }
            public override void Write(byte[] buffer, int offset, int count) => Inner.Write(buffer, offset, count);
        }

        sealed class Courier
        {
            private Framed? Wire { get; set; }

            public async Task ConnectAsync(NetworkStream net, string host, CancellationToken ct)
            {
                Wire = new Framed(net);
                var ssl = new SslStream(net, false);
                Wire.Replace(ssl);
                await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = host }, ct);
            }

            public void Disconnect()
            {
                if (Wire != null)
                {
                    {|TLS001:Wire.Dispose()|};
                    Wire = null;
                }
            }
        }
        """);

    [Fact]
    public Task Wrapper_disposed_after_an_awaited_shutdown_is_quiet() => CSharpVerifier.VerifyAsync(LineChannel + """
        sealed class Courier
        {
            private readonly NetworkStream _net;
            private LineChannel _lines;
            private SslStream? _ssl;

            public Courier(NetworkStream net) { _net = net; _lines = new LineChannel(net); }

            public async Task StartTlsAsync(CancellationToken ct)
            {
                var ssl = new SslStream(_net);
                _lines.Attach(ssl);
                await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "mail" }, ct);
                _ssl = ssl;
            }

            public async Task DisconnectAsync()
            {
                if (_ssl is not null) await _ssl.ShutdownAsync().WaitAsync(TimeSpan.FromSeconds(5));
                _lines.Dispose();
            }
        }
        """);

    [Fact]
    public Task Wrapper_disposed_after_a_graceful_close_is_quiet() => CSharpVerifier.VerifyAsync("using TlsShutdown;\n\n" + LineChannel + """
        sealed class Courier
        {
            private LineChannel? _lines;

            public async Task RunAsync(NetworkStream net, CancellationToken ct)
            {
                _lines = new LineChannel(net);
                var ssl = new SslStream(net);
                _lines.Attach(ssl);
                await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "mail" }, ct);
                await GracefulTlsClose.CloseAsync(ssl, cancellationToken: ct);
                _lines.Dispose();
            }
        }
        """);

    [Fact]
    public Task Wrapper_whose_method_does_not_keep_the_stream_is_quiet() => CSharpVerifier.VerifyAsync("""
        sealed class Meter : IDisposable
        {
            private Stream _log = Stream.Null;
            public long Seen { get; private set; }
            public void Watch(Stream s) { Seen += s.CanRead ? 1 : 0; }
            public void Dispose() => _log.Dispose();
        }

        sealed class Courier
        {
            private readonly NetworkStream _net;
            private readonly Meter _meter = new();
            private SslStream? _ssl;

            public Courier(NetworkStream net) { _net = net; }

            public async Task StartTlsAsync(CancellationToken ct)
            {
                var ssl = new SslStream(_net);
                _meter.Watch(ssl);
                await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "mail" }, ct);
                _ssl = ssl;
            }

            public void Disconnect() => _meter.Dispose();
        }
        """);

    private const string Framed = """
        sealed class Framed : Stream
        {
            public Framed(Stream inner) { Inner = inner; }
            public Stream Inner { get; private set; }
            protected override void Dispose(bool disposing) { if (disposing) Inner.Dispose(); base.Dispose(disposing); }
            public override bool CanRead => true;
            public override bool CanSeek => false;
            public override bool CanWrite => true;
            public override long Length => 0;
            public override long Position { get => 0; set { } }
            public override void Flush() { }
            public override int Read(byte[] buffer, int offset, int count) => Inner.Read(buffer, offset, count);
            public override long Seek(long offset, SeekOrigin origin) => 0;
            public override void SetLength(long value) { }
            public override void Write(byte[] buffer, int offset, int count) => Inner.Write(buffer, offset, count);
        }

        """;

    [Fact]
    public Task Engine_that_tests_its_wrapper_for_tls_and_disposes_it_is_reported() => CSharpVerifier.VerifyAsync(Framed + """
        sealed class Engine
        {
            private bool _secure;
            private Framed? Wire { get; set; }

            public void Attach(Framed wire)
            {
                _secure = wire.Inner is SslStream;
                Wire = wire;
            }

            public void Disconnect()
            {
                if (Wire != null)
                {
                    {|TLS001:Wire.Dispose()|};
                    Wire = null;
                }
            }
        }
        """);

    [Fact]
    public Task Engine_that_shuts_the_tested_stream_down_first_is_quiet() => CSharpVerifier.VerifyAsync(Framed + """
        sealed class Engine
        {
            private Framed? Wire { get; set; }

            public void Attach(Framed wire)
            {
                if (wire.Inner is SslStream) Wire = wire;
            }

            public async Task DisconnectAsync()
            {
                if (Wire == null) return;
                if (Wire.Inner is SslStream ssl) await ssl.ShutdownAsync().WaitAsync(TimeSpan.FromSeconds(5));
                Wire.Dispose();
            }
        }
        """);

    [Fact]
    public Task Engine_whose_wrapper_is_never_tested_for_tls_is_quiet() => CSharpVerifier.VerifyAsync(Framed + """
        sealed class Engine
        {
            private Framed? Wire { get; set; }

            public void Attach(Framed wire) => Wire = wire;

            public void Disconnect() => Wire?.Dispose();
        }
        """);
}
