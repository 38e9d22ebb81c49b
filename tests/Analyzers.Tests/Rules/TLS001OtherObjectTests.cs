using TlsShutdown.Analyzers.Tests.Verifiers;

namespace TlsShutdown.Analyzers.Tests.Rules;

/// <summary>A TLS stream reached through another object of the compilation, known from that type's members.</summary>
public class TLS001OtherObjectTests
{
    [Fact]
    public Task Tls_stream_member_of_another_object_closed_is_reported() => CSharpVerifier.VerifyAsync("""
        sealed class Peer
        {
            public SslStream Tls { get; }
            public Socket Socket { get; }
            public Peer(SslStream tls, Socket socket) { Tls = tls; Socket = socket; }
        }

        sealed class Handler
        {
            public Stream Bytes = Stream.Null;

            public async Task UpgradeAsync(CancellationToken ct)
            {
                var ssl = new SslStream(Bytes);
                await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions(), ct);
                Bytes = ssl;
            }
        }

        sealed class Registry
        {
            private readonly List<Peer> _idle = new();

            public void Prune()
            {
                foreach (var peer in _idle)
                {
                    {|TLS001:peer.Socket.Close()|};
                }
            }

            public void Drop(Peer peer) => {|TLS001:peer.Tls.Dispose()|};

            public void Release(Handler handler) => {|TLS001:handler.Bytes.Dispose()|};
        }
        """);

    [Fact]
    public Task Nested_class_closing_the_outer_stream_through_a_copy_is_reported() => CSharpVerifier.VerifyAsync("""
        sealed class Outer
        {
            private SslStream? _stream;

            public async Task OpenAsync(Stream inner, CancellationToken ct)
            {
                _stream = new SslStream(inner);
                await _stream.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "x" }, ct);
            }

            private sealed class Closer
            {
                private readonly Outer _outer;
                public Closer(Outer outer) => _outer = outer;

                public void Run()
                {
                    var s = _outer._stream;
                    {|TLS001:s?.Dispose()|};
                }
            }
        }
        """);

    [Fact]
    public Task Other_objects_that_shut_down_or_hold_no_tls_are_quiet() => CSharpVerifier.VerifyAsync("""
        using TlsShutdown;

        sealed class Peer
        {
            public SslStream? Tls { get; private set; }
            public Socket? Socket { get; private set; }

            public async Task CloseAsync()
            {
                if (Tls != null) await GracefulTlsClose.CloseAsync(Tls);
            }
        }

        sealed class PlainPeer
        {
            public Stream Bytes = Stream.Null;
            public Socket? Socket;
        }

        sealed class Registry
        {
            public async Task DropAsync(Peer peer)
            {
                await peer.CloseAsync();
                peer.Socket?.Close();
            }

            public void Release(PlainPeer plain)
            {
                plain.Bytes.Dispose();
                plain.Socket?.Close();
            }
        }
        """);
}
