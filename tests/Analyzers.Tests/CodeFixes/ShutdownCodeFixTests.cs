using TlsShutdown.Analyzers.Tests.Verifiers;

namespace TlsShutdown.Analyzers.Tests.CodeFixes;

public class ShutdownCodeFixTests
{
    [Fact]
    public Task TLS003_unbounded_shutdowns_become_graceful_closes() => CSharpVerifier.VerifyFixAsync("""
        class C
        {
            async Task AwaitAsync(SslStream ssl, CancellationToken ct)
            {
                await {|TLS003:ssl.ShutdownAsync()|}.ConfigureAwait(false);
                ssl.Dispose();
            }

            void Block(SslStream ssl)
            {
                // blocking close
                {|TLS003:ssl.ShutdownAsync()|}.GetAwaiter().GetResult();
                ssl.Dispose();
            }
        }
        """, """
        class C
        {
            async Task AwaitAsync(SslStream ssl, CancellationToken ct)
            {
                await GracefulTlsClose.CloseAsync(ssl, cancellationToken: ct);
                ssl.Dispose();
            }

            void Block(SslStream ssl)
            {
                // blocking close
                GracefulTlsClose.Close(ssl);
                ssl.Dispose();
            }
        }
        """, fixedUsings: CSharpVerifier.UsingsWithRuntime);

    [Fact]
    public Task TLS004_dropped_shutdowns_become_graceful_closes() => CSharpVerifier.VerifyFixAsync("""
        class C
        {
            private SslStream _ssl = null!;

            async Task CloseAsync()
            {
                {|TLS004:_ssl.ShutdownAsync()|};
                await _ssl.DisposeAsync();
            }

            void Close()
            {
                _ = {|TLS004:_ssl.ShutdownAsync()|};
                _ssl.Dispose();
            }
        }
        """, """
        class C
        {
            private SslStream _ssl = null!;

            async Task CloseAsync()
            {
                await GracefulTlsClose.CloseAsync(_ssl);
                await _ssl.DisposeAsync();
            }

            void Close()
            {
                GracefulTlsClose.Close(_ssl);
                _ssl.Dispose();
            }
        }
        """, fixedUsings: CSharpVerifier.UsingsWithRuntime);

    [Fact]
    public Task Without_the_runtime_the_shutdown_is_bounded_inline() => CSharpVerifier.VerifyFixAsync("""
        class C
        {
            async Task AwaitAsync(SslStream ssl)
            {
                await {|TLS003:ssl.ShutdownAsync()|};
                ssl.Dispose();
            }

            void Drop(SslStream ssl)
            {
                {|TLS004:ssl.ShutdownAsync()|};
                ssl.Dispose();
            }
        }
        """, """
        class C
        {
            async Task AwaitAsync(SslStream ssl)
            {
                await Task.WhenAny(ssl.ShutdownAsync(), Task.Delay(TimeSpan.FromSeconds(5)));
                ssl.Dispose();
            }

            void Drop(SslStream ssl)
            {
                ssl.ShutdownAsync().Wait(TimeSpan.FromSeconds(5));
                ssl.Dispose();
            }
        }
        """, stubs: TestStubs.None);
}
