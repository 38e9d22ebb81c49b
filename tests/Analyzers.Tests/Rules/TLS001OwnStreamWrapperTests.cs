using TlsShutdown.Analyzers.Tests.Verifiers;

namespace TlsShutdown.Analyzers.Tests.Rules;

/// <summary>
/// A Stream subclass of the same compilation that disposes the stream its constructor was given owns it, like
/// StreamReader: closing the wrapper over a TLS stream closes the connection (corpus M7).
/// </summary>
public class TLS001OwnStreamWrapperTests
{
    private const string Wrappers = """
        abstract class ForwardingStream : Stream
        {
            protected ForwardingStream(Stream inner, bool leaveOpen = false) { Inner = inner; LeaveOpen = leaveOpen; }
            protected Stream Inner { get; }
            private bool LeaveOpen { get; }
            public override bool CanRead => true;
            public override bool CanSeek => false;
            public override bool CanWrite => true;
            public override long Length => 0;
            public override long Position { get => 0; set { } }
            public override void Flush() => Inner.Flush();
            public override int Read(byte[] buffer, int offset, int count) => Inner.Read(buffer, offset, count);
            public override long Seek(long offset, SeekOrigin origin) => 0;
            public override void SetLength(long value) { }
            public override void Write(byte[] buffer, int offset, int count) => Inner.Write(buffer, offset, count);
            protected override void Dispose(bool disposing)
            {
                if (disposing && !LeaveOpen) Inner.Dispose();
                base.Dispose(disposing);
            }
        }

        sealed class ClientStream : ForwardingStream
        {
            public ClientStream(object owner, Stream inner, int bufferSize) : base(inner) { }
        }

        sealed class Borrowing : Stream
        {
            private readonly Stream _inner;
            public Borrowing(Stream inner) => _inner = inner;
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

        """;

    [Fact]
    public Task Closing_an_own_wrapper_that_owns_the_tls_stream_is_reported() => CSharpVerifier.VerifyAsync(Wrappers + """
        class Proxy
        {
            async Task ServeAsync(TcpClient tcp, SslServerAuthenticationOptions options, CancellationToken ct)
            {
                var ssl = new SslStream(tcp.GetStream());
                await ssl.AuthenticateAsServerAsync(options, ct);
                var client = new ClientStream(this, ssl, 4096);
                try
                {
                    client.Write(new byte[] { 1 }, 0, 1);
                }
                finally
                {
                    {|TLS001:client.Dispose()|};
                }
            }
        }
        """);

    [Fact]
    public Task Wrappers_that_borrow_or_leave_the_stream_open_are_not_owners() => CSharpVerifier.VerifyAsync(Wrappers + """
        class Proxy
        {
            async Task BorrowAsync(TcpClient tcp, SslServerAuthenticationOptions options, CancellationToken ct)
            {
                var ssl = new SslStream(tcp.GetStream());
                await ssl.AuthenticateAsServerAsync(options, ct);
                var view = new Borrowing(ssl);
                view.Write(new byte[] { 1 }, 0, 1);
                view.Dispose();
                await ssl.ShutdownAsync().WaitAsync(TimeSpan.FromSeconds(2), ct);
                ssl.Dispose();
            }
        }
        """);
}
