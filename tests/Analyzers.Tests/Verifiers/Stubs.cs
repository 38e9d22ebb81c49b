namespace TlsShutdown.Analyzers.Tests.Verifiers;

/// <summary>
/// Public shapes of the types the analyzers look up by name but the reference assemblies lack: the
/// TlsShutdown runtime (written concurrently, so not a build dependency) and BouncyCastle's TLS protocol.
/// </summary>
internal static class Stubs
{
    public const string Runtime = """
        namespace TlsShutdown
        {
            using System;
            using System.IO;
            using System.Net.Security;
            using System.Security.Authentication;
            using System.Threading;
            using System.Threading.Tasks;

            public sealed record TlsCloseOptions
            {
                public TimeSpan SendTimeout { get; init; }
                public TimeSpan PeerCloseTimeout { get; init; }
                public long MaxDiscardBytes { get; init; }
                public static TlsCloseOptions Default { get; } = new();
            }

            public sealed record TlsCloseResult
            {
                public bool CloseNotifySent { get; }
            }

            public static class GracefulTlsClose
            {
                public static Task<TlsCloseResult> CloseAsync(SslStream stream, TlsCloseOptions? options = null, CancellationToken cancellationToken = default) => throw null!;
                public static TlsCloseResult Close(SslStream stream, TlsCloseOptions? options = null) => throw null!;
                public static Task<TlsCloseResult> CloseAsync(TlsEngineStream stream, TlsCloseOptions? options = null, CancellationToken cancellationToken = default) => throw null!;
                public static TlsCloseResult Close(TlsEngineStream stream, TlsCloseOptions? options = null) => throw null!;
            }

            public static class TlsHandshake
            {
                public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);
                public static Task AuthenticateAsClientAsync(SslStream stream, SslClientAuthenticationOptions options, TimeSpan? timeout = null, CancellationToken cancellationToken = default) => Task.CompletedTask;
                public static Task AuthenticateAsServerAsync(SslStream stream, SslServerAuthenticationOptions options, TimeSpan? timeout = null, CancellationToken cancellationToken = default) => Task.CompletedTask;
                public static Task AuthenticateAsClientAsync(TlsEngineStream stream, SslClientAuthenticationOptions options, TimeSpan? timeout = null, CancellationToken cancellationToken = default) => Task.CompletedTask;
                public static Task AuthenticateAsServerAsync(TlsEngineStream stream, SslServerAuthenticationOptions options, TimeSpan? timeout = null, CancellationToken cancellationToken = default) => Task.CompletedTask;
                public static void AuthenticateAsClient(SslStream stream, SslClientAuthenticationOptions options, TimeSpan? timeout = null) { }
                public static void AuthenticateAsServer(SslStream stream, SslServerAuthenticationOptions options, TimeSpan? timeout = null) { }
                public static void AuthenticateAsClient(TlsEngineStream stream, SslClientAuthenticationOptions options, TimeSpan? timeout = null) { }
                public static void AuthenticateAsServer(TlsEngineStream stream, SslServerAuthenticationOptions options, TimeSpan? timeout = null) { }
            }

            public sealed class TlsEngineStream : Stream
            {
                public TlsEngineStream(Stream innerStream, bool leaveInnerStreamOpen = false) { }
                public Task AuthenticateAsClientAsync(SslClientAuthenticationOptions options, CancellationToken cancellationToken = default) => Task.CompletedTask;
                public Task AuthenticateAsServerAsync(SslServerAuthenticationOptions options, CancellationToken cancellationToken = default) => Task.CompletedTask;
                public bool IsAuthenticated => true;
                public SslProtocols SslProtocol => SslProtocols.Tls13;
                public override bool CanRead => true;
                public override bool CanSeek => false;
                public override bool CanWrite => true;
                public override long Length => 0;
                public override long Position { get => 0; set { } }
                public override void Flush() { }
                public override int Read(byte[] buffer, int offset, int count) => 0;
                public override long Seek(long offset, SeekOrigin origin) => 0;
                public override void SetLength(long value) { }
                public override void Write(byte[] buffer, int offset, int count) { }
            }
        }
        """;

    public const string BouncyCastle = """
        namespace Org.BouncyCastle.Tls
        {
            using System.IO;

            public interface TlsClient { }
            public interface TlsServer { }

            public abstract class TlsProtocol
            {
                protected TlsProtocol(Stream stream) { }
                public virtual Stream Stream => null!;
                public virtual void Close() { }
            }

            public class TlsClientProtocol : TlsProtocol
            {
                public TlsClientProtocol(Stream stream) : base(stream) { }
                public virtual void Connect(TlsClient tlsClient) { }
            }

            public class TlsServerProtocol : TlsProtocol
            {
                public TlsServerProtocol(Stream stream) : base(stream) { }
                public virtual void Accept(TlsServer tlsServer) { }
            }
        }
        """;
}
