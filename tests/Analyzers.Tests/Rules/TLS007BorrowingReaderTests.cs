using TlsShutdown.Analyzers.Tests.Verifiers;

namespace TlsShutdown.Analyzers.Tests.Rules;

/// <summary>TLS007 through a reader that borrows the TLS stream (leaveOpen: true): it still reads it to its end.</summary>
public class TLS007BorrowingReaderTests
{
    [Fact]
    public Task Reading_to_the_end_through_a_reader_that_leaves_the_stream_open_is_reported() => CSharpVerifier.VerifyAsync("""
        using System.Text;

        class C
        {
            async Task<string> InlineAsync(SslStream ssl) =>
                await {|TLS007:new StreamReader(ssl, Encoding.UTF8, false, 4096, leaveOpen: true).ReadToEndAsync()|};

            async Task<string> LocalAsync(SslStream ssl)
            {
                using var reader = new StreamReader(ssl, Encoding.ASCII, leaveOpen: true);
                return await {|TLS007:reader.ReadToEndAsync()|};
            }

            string Sync(SslStream ssl)
            {
                using (var reader = new StreamReader(ssl, leaveOpen: true))
                {
                    return {|TLS007:reader.ReadToEnd()|};
                }
            }
        }
        """);

    [Fact]
    public Task Borrowing_readers_over_plain_streams_and_line_reads_are_not_reported() => CSharpVerifier.VerifyAsync("""
        class C
        {
            async Task<string?> LineAsync(SslStream ssl)
            {
                using var reader = new StreamReader(ssl, leaveOpen: true);
                return await reader.ReadLineAsync();
            }

            async Task<string> PlainAsync(NetworkStream ns) =>
                await new StreamReader(ns, leaveOpen: true).ReadToEndAsync();

            async Task<string> EngineAsync(TlsShutdown.TlsEngineStream tls) =>
                await new StreamReader(tls, leaveOpen: true).ReadToEndAsync();
        }
        """);
}
