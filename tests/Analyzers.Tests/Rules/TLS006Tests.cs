using TlsShutdown.Analyzers.Tests.Verifiers;

namespace TlsShutdown.Analyzers.Tests.Rules;

public class TLS006Tests
{
    [Fact]
    public Task Write_after_shutdown_is_reported() => CSharpVerifier.VerifyAsync("""
        class C
        {
            async Task RunAsync(SslStream ssl, CancellationToken ct)
            {
                await ssl.ShutdownAsync().WaitAsync(ct);
                await {|TLS006:ssl.WriteAsync(new byte[1], ct)|};
                {|TLS006:ssl.Write(new byte[1], 0, 1)|};
            }

            async Task WriterAsync(SslStream ssl, CancellationToken ct)
            {
                var writer = new StreamWriter(ssl);
                await ssl.ShutdownAsync().WaitAsync(ct);
                await {|TLS006:writer.WriteLineAsync("bye")|};
            }
        }
        """);

    [Fact]
    public Task Writes_before_or_on_another_path_are_not_reported() => CSharpVerifier.VerifyAsync("""
        class C
        {
            async Task RunAsync(SslStream ssl, bool done, CancellationToken ct)
            {
                await ssl.WriteAsync(new byte[1], ct);
                if (done) await ssl.ShutdownAsync().WaitAsync(ct);
                await ssl.WriteAsync(new byte[1], ct);
            }
        }
        """);
}
