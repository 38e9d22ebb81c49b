using TlsShutdown.Analyzers.Tests.Verifiers;

namespace TlsShutdown.Analyzers.Tests.Rules;

public class TLS007Tests
{
    [Fact]
    public Task Reading_an_ssl_stream_to_its_end_is_reported() => CSharpVerifier.VerifyAsync("""
        class C
        {
            async Task<string> ReadAllAsync(SslStream ssl)
            {
                {|TLS001:using var reader = new StreamReader(ssl, leaveOpen: false);|}
                return await {|TLS007:reader.ReadToEndAsync()|};
            }

            string Inline(SslStream ssl) => {|TLS007:new StreamReader(ssl).ReadToEnd()|};

            async Task CopyAsync(SslStream ssl, Stream file) => await {|TLS007:ssl.CopyToAsync(file)|};

            void CopyAlias(SslStream ssl, Stream file)
            {
                Stream s = ssl;
                {|TLS007:s.CopyTo(file)|};
            }
        }
        """);

    [Fact]
    public Task Streams_that_detect_truncation_and_plain_streams_are_not_reported() => CSharpVerifier.VerifyAsync("""
        class C
        {
            async Task CopyAsync(TlsShutdown.TlsEngineStream tls, Stream file, NetworkStream ns)
            {
                await tls.CopyToAsync(file);
                await ns.CopyToAsync(file);
                using var reader = new StreamReader(file);
                await reader.ReadToEndAsync();
            }
        }
        """);
}
