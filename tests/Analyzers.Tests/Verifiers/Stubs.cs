namespace TlsShutdown.Analyzers.Tests.Verifiers;

/// <summary>
/// Public shapes of BouncyCastle's TLS protocol, which the analyzers look up by name (the TlsShutdown runtime
/// is referenced as the real assembly: <see cref="CSharpVerifier.Runtime"/>).
/// </summary>
internal static class Stubs
{
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
