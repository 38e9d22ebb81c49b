using TlsShutdown.Analyzers.Tests.Verifiers;

namespace TlsShutdown.Analyzers.Tests.Rules;

public class TLS008Tests
{
    [Fact]
    public Task Transport_closed_under_an_open_protocol_is_reported() => CSharpVerifier.VerifyAsync("""
        using Org.BouncyCastle.Tls;

        class C
        {
            void Run(TcpClient tcp, TlsClient client)
            {
                var protocol = new TlsClientProtocol(tcp.GetStream());
                protocol.Connect(client);
                protocol.Stream.Write(new byte[1], 0, 1);
                {|TLS008:tcp.Close()|};
            }

            void Server(Stream transport, TlsServer server)
            {
                var protocol = new TlsServerProtocol(transport);
                protocol.Accept(server);
                {|TLS008:transport.Dispose()|};
                protocol.Close();
            }
        }
        """);

    [Fact]
    public Task Protocol_closed_first_is_not_reported() => CSharpVerifier.VerifyAsync("""
        using Org.BouncyCastle.Tls;

        class C
        {
            void Run(TcpClient tcp, TlsClient client)
            {
                var protocol = new TlsClientProtocol(tcp.GetStream());
                protocol.Connect(client);
                protocol.Close();
                tcp.Close();
            }

            void StreamClose(TcpClient tcp, TlsClient client)
            {
                var protocol = new TlsClientProtocol(tcp.GetStream());
                protocol.Connect(client);
                using (var s = protocol.Stream) { s.WriteByte(1); }
                tcp.Dispose();
            }

            void NeverConnected(TcpClient tcp)
            {
                var protocol = new TlsClientProtocol(tcp.GetStream());
                tcp.Dispose();
            }
        }
        """);
}
