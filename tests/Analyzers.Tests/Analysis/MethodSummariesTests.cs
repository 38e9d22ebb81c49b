using TlsShutdown.Analyzers.Analysis;

namespace TlsShutdown.Analyzers.Tests.Analysis;

/// <summary>MethodSummaries: what a helper of the compilation does to its stream parameters and returns.</summary>
public class MethodSummariesTests
{
    private const string Source = """
        using TlsShutdown;

        static class Helpers
        {
            public static Task Graceful(SslStream ssl) => GracefulTlsClose.CloseAsync(ssl);
            public static Task Shut(Stream s) => ((SslStream)s).ShutdownAsync();
            public static void Drop(Stream s) { s?.Dispose(); }
            public static void Indirect(Stream s) => Drop(s);
            public static void Borrow(Stream s) => s.Flush();
            public static void Pattern(Stream s) { if (s is SslStream ssl) GracefulTlsClose.Close(ssl); }
            public static async Task<Stream> Wrap(Stream plain)
            {
                await Task.Yield();
                Stream result = new SslStream(plain);
                return result;
            }
            public static Stream Plain(Stream plain) => new BufferedStream(plain);
        }

        sealed class ClosingSslStream : SslStream
        {
            public ClosingSslStream(Stream inner) : base(inner) { }
            public override void Close() { GracefulTlsClose.Close(this); }
        }

        sealed class PlainSslStream : SslStream
        {
            public PlainSslStream(Stream inner) : base(inner) { }
            public override void Close() { Console.WriteLine("ShutdownAsync"); base.Close(); }
        }
        """;

    [Theory]
    [InlineData("Graceful", "ClosesGracefully")]
    [InlineData("Shut", "ShutsDown")]
    [InlineData("Drop", "Closes")]
    [InlineData("Indirect", "Closes")]
    [InlineData("Borrow", "None")]
    [InlineData("Pattern", "ClosesGracefully")]
    public async Task Summarizes_what_a_helper_does_to_its_parameter(string helper, string expected)
    {
        var harness = await AnalysisHarness.CompileAsync(Source);
        var method = harness.Method("Helpers", helper);
        Assert.Equal(expected, harness.Summaries.Of(method).EffectOn(method.Parameters[0]).ToString());
    }

    [Fact]
    public async Task A_helper_returning_a_tls_stream_as_stream_returns_tls()
    {
        var harness = await AnalysisHarness.CompileAsync(Source);
        Assert.Equal(TlsKind.SslStream, harness.Summaries.Of(harness.Method("Helpers", "Wrap")).Returns);
        Assert.Equal(TlsKind.None, harness.Summaries.Of(harness.Method("Helpers", "Plain")).Returns);
    }

    [Fact]
    public async Task Closes_gracefully_is_decided_from_the_override_operations_not_its_text()
    {
        var harness = await AnalysisHarness.CompileAsync(Source);
        Assert.True(harness.Summaries.ClosesGracefully(harness.Compilation.GetTypeByMetadataName("ClosingSslStream")));
        Assert.False(harness.Summaries.ClosesGracefully(harness.Compilation.GetTypeByMetadataName("PlainSslStream")));
    }
}
