using TlsShutdown.Analyzers.Tests.Verifiers;

namespace TlsShutdown.Analyzers.Tests.CodeFixes;

public class TLS002CodeFixTests
{
    [Fact]
    public Task Shutdown_and_drain_loop_become_one_graceful_close() => CSharpVerifier.VerifyFixAsync("""
        class C
        {
            async Task CloseAsync(SslStream ssl, CancellationToken ct)
            {
                var buffer = new byte[256];
                await ssl.ShutdownAsync().WaitAsync(TimeSpan.FromSeconds(2), ct);
                while (await {|TLS002:ssl.ReadAsync(buffer, 0, buffer.Length)|} > 0)
                {
                }

                ssl.Dispose();
            }
        }
        """, """
        class C
        {
            async Task CloseAsync(SslStream ssl, CancellationToken ct)
            {
                var buffer = new byte[256];
                await GracefulTlsClose.CloseAsync(ssl, cancellationToken: ct);

                ssl.Dispose();
            }
        }
        """, fixedUsings: CSharpVerifier.UsingsWithRuntime);

    [Fact]
    public Task Other_reads_get_a_time_limit() => CSharpVerifier.VerifyFixAsync("""
        class C
        {
            async Task<int> LastAsync(SslStream ssl)
            {
                await ssl.ShutdownAsync().WaitAsync(TimeSpan.FromSeconds(2));
                var n = await {|TLS002:ssl.ReadAsync(new byte[16])|};
                return n;
            }

            int LastSync(SslStream ssl)
            {
                ssl.ShutdownAsync().Wait(2000);
                var n = {|TLS002:ssl.Read(new byte[16], 0, 16)|};
                return n;
            }
        }
        """, """
        class C
        {
            async Task<int> LastAsync(SslStream ssl)
            {
                await ssl.ShutdownAsync().WaitAsync(TimeSpan.FromSeconds(2));
                using var peerCloseTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                var n = await ssl.ReadAsync(new byte[16], peerCloseTimeout.Token);
                return n;
            }

            int LastSync(SslStream ssl)
            {
                ssl.ShutdownAsync().Wait(2000);
                ssl.ReadTimeout = 5000;
                var n = ssl.Read(new byte[16], 0, 16);
                return n;
            }
        }
        """);
}
