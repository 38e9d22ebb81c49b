using Microsoft.CodeAnalysis;
using TlsShutdown.Analyzers.Analysis;

namespace TlsShutdown.Analyzers.Tests.Analysis;

/// <summary>ClassFacts: field groups merge when one method shows two of them are one connection.</summary>
public class ClassFactsTests
{
    private const string Source = """
        class C
        {
            private Stream? _io;
            private SslStream? _ssl;
            private Socket? _socket;
            private TcpClient? _tcp;
        }
        """;

    [Fact]
    public async Task Fields_bound_together_in_one_method_form_one_group()
    {
        var harness = await AnalysisHarness.CompileAsync(Source);
        var facts = new ClassFacts();
        facts.AddConnection(TlsKind.SslStream, new[] { (harness.Member("C", "_ssl"), Role.Tls), (harness.Member("C", "_socket"), Role.Transport) });

        Assert.True(facts.TryGet(harness.Member("C", "_socket"), out var group, out var role));
        Assert.Equal(Role.Transport, role);
        Assert.True(facts.TryGet(harness.Member("C", "_ssl"), out var sslGroup, out _));
        Assert.Equal(group, sslGroup);
        Assert.False(facts.Contains(harness.Member("C", "_tcp")));
    }

    [Fact]
    public async Task Two_groups_that_share_a_field_merge_into_one()
    {
        var harness = await AnalysisHarness.CompileAsync(Source);
        var facts = new ClassFacts();
        facts.AddConnection(TlsKind.SslStream, new[] { (harness.Member("C", "_io"), Role.Tls) });
        facts.AddConnection(TlsKind.SslStream, new[] { (harness.Member("C", "_ssl"), Role.Tls), (harness.Member("C", "_tcp"), Role.Transport) });
        facts.AddConnection(TlsKind.SslStream, new[] { (harness.Member("C", "_tcp"), Role.Transport), (harness.Member("C", "_io"), Role.Tls) });

        facts.TryGet(harness.Member("C", "_io"), out var io, out _);
        facts.TryGet(harness.Member("C", "_ssl"), out var ssl, out _);
        facts.TryGet(harness.Member("C", "_tcp"), out var tcp, out _);
        Assert.Equal(io, ssl);
        Assert.Equal(io, tcp);
    }

    [Fact]
    public async Task The_stream_to_name_is_the_tls_typed_field_of_the_group()
    {
        var harness = await AnalysisHarness.CompileAsync(Source);
        var facts = new ClassFacts();
        facts.AddConnection(TlsKind.SslStream, new[] { (harness.Member("C", "_io"), Role.Tls), (harness.Member("C", "_ssl"), Role.Tls), (harness.Member("C", "_socket"), Role.Transport) });
        facts.TryGet(harness.Member("C", "_socket"), out var group, out _);
        Assert.Equal("_ssl", facts.StreamField(group, harness.Types.IsTls)!.Name);
    }
}
