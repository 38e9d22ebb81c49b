using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using TlsShutdown.Analyzers.Analysis;

namespace TlsShutdown.Analyzers.Tests.Analysis;

/// <summary>ConnectionModel: which values are TLS streams, their aliases, owners and transports, grouped into connections.</summary>
public class ConnectionModelTests
{
    private const string Source = """
        class C
        {
            private Socket? _socket;
            private Stream Io { get; set; } = Stream.Null;

            async Task Connect(TcpClient tcp, CancellationToken ct)
            {
                var ns = tcp.GetStream();
                var ssl = new SslStream(ns);
                Stream alias = ssl;
                var reader = new StreamReader(alias);
                var borrowed = new StreamReader(ssl, leaveOpen: true);
                await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions(), ct);
                var other = new SslStream(Stream.Null);
                Io = ssl;
            }

            void Copies()
            {
                var s = _socket;
                _socket = null;
                s?.Close();
            }

            async Task Received(Stream plain, CancellationToken ct)
            {
                Io = await Make(plain, ct);
            }

            static async Task<SslStream> Make(Stream plain, CancellationToken ct)
            {
                await Task.Yield();
                return new SslStream(plain);
            }

            void Timeouts(Socket socket, Socket zero)
            {
                var ssl = new SslStream(new NetworkStream(socket));
                socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReceiveTimeout, 5000);
                var other = new SslStream(new NetworkStream(zero));
                zero.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReceiveTimeout, 0);
            }
        }
        """;

    [Fact]
    public async Task Groups_the_stream_its_aliases_owner_and_transports_into_one_connection()
    {
        var harness = await AnalysisHarness.CompileAsync(Source);
        var model = harness.Model("C", "Connect");
        var ssl = model.Resolve(model.Operations.OfType<ILocalReferenceOperation>().First(l => l.Local.Name == "ssl"))!.Value;

        Binding Of(string local) => model.Resolve(model.Operations.OfType<ILocalReferenceOperation>().First(l => l.Local.Name == local))!.Value;
        Assert.Equal((ssl.Connection, Role.Tls), (Of("alias").Connection, Of("alias").Role));
        Assert.Equal((ssl.Connection, Role.Owner), (Of("reader").Connection, Of("reader").Role));
        Assert.Equal((ssl.Connection, Role.Transport), (Of("ns").Connection, Of("ns").Role));
        var tcp = model.Resolve(model.Operations.OfType<IParameterReferenceOperation>().First(p => p.Parameter.Name == "tcp"))!.Value;
        Assert.Equal((ssl.Connection, Role.Transport), (tcp.Connection, tcp.Role));
        Assert.Null(model.Resolve(model.Operations.OfType<ILocalReferenceOperation>().First(l => l.Local.Name == "borrowed")));
        Assert.NotEqual(ssl.Connection, Of("other").Connection);

        // The auto-property the stream is stored in is bound like a field.
        Assert.Contains(model.Bindings, b => b.Key is IPropertySymbol { Name: "Io" } && b.Value.Role == Role.Tls);
        Assert.Equal(Origin.Created, model.GetConnection(ssl.Connection).Origin);
    }

    [Fact]
    public async Task A_local_copy_of_a_transport_field_cleared_afterwards_is_that_transport()
    {
        var harness = await AnalysisHarness.CompileAsync(Source);
        var facts = new ClassFacts();
        facts.AddConnection(TlsKind.SslStream, new[] { (harness.Member("C", "_socket"), Role.Transport), (harness.Member("C", "Io"), Role.Tls) });
        var model = harness.Model("C", "Copies", facts);
        var copy = model.Resolve(model.Operations.OfType<ILocalReferenceOperation>().First(l => l.Local.Name == "s"));
        Assert.Equal(Role.Transport, copy!.Value.Role);
        Assert.Equal(0, model.GetConnection(copy.Value.Connection).FieldGroup);
    }

    [Fact]
    public async Task A_tls_stream_returned_by_a_call_is_a_connection_that_starts_at_the_call()
    {
        var harness = await AnalysisHarness.CompileAsync(Source);
        var model = harness.Model("C", "Received");
        var awaited = model.Operations.OfType<IAwaitOperation>().Single();
        Assert.True(model.IsReceivedAt(awaited, out var id));
        Assert.Equal(Origin.Received, model.GetConnection(id).Origin);
        Assert.True(model.GetConnection(id).EstablishedHere);
        Assert.Contains(model.Bindings, b => b.Key is IPropertySymbol { Name: "Io" } && model.GetConnection(b.Value.Connection).Id == model.GetConnection(id).Id);
    }

    [Fact]
    public async Task A_receive_timeout_counts_only_with_a_positive_value()
    {
        var harness = await AnalysisHarness.CompileAsync(Source);
        var model = harness.Model("C", "Timeouts");
        var creations = model.Operations.OfType<IObjectCreationOperation>().Where(c => c.Type?.Name == "SslStream").ToList();
        var timed = model.GetConnection(model.Resolve(creations[0])!.Value.Connection);
        var zero = model.GetConnection(model.Resolve(creations[1])!.Value.Connection);
        Assert.True(timed.HasReadTimeout);
        Assert.False(zero.HasReadTimeout);
    }
}
