using TlsShutdown.Analyzers.Tests.Verifiers;

namespace TlsShutdown.Analyzers.Tests.Rules;

public class TLS003Tests
{
    [Fact]
    public Task Awaited_and_blocked_shutdowns_are_reported() => CSharpVerifier.VerifyAsync("""
        class C
        {
            async Task AwaitAsync(SslStream ssl)
            {
                await {|TLS003:ssl.ShutdownAsync()|};
                ssl.Dispose();
            }

            async Task ConfigureAwaitAsync(SslStream ssl)
            {
                await {|TLS003:ssl.ShutdownAsync()|}.ConfigureAwait(false);
                ssl.Dispose();
            }

            void Wait(SslStream ssl)
            {
                {|TLS003:ssl.ShutdownAsync()|}.Wait();
                ssl.Dispose();
            }

            void GetResult(SslStream ssl)
            {
                {|TLS003:ssl.ShutdownAsync()|}.GetAwaiter().GetResult();
                ssl.Dispose();
            }

            async Task LocalTaskAsync(SslStream ssl)
            {
                var shutdown = {|TLS003:ssl.ShutdownAsync()|};
                await shutdown;
                ssl.Dispose();
            }

            async Task WaitAsyncWithNoTokenAsync(SslStream ssl)
            {
                await {|TLS003:ssl.ShutdownAsync()|}.WaitAsync(CancellationToken.None);
                ssl.Dispose();
            }
        }
        """);

    [Fact]
    public Task Bounded_shutdowns_are_not_reported() => CSharpVerifier.VerifyAsync("""
        class C
        {
            async Task WaitAsyncAsync(SslStream ssl, CancellationToken ct)
            {
                await ssl.ShutdownAsync().WaitAsync(TimeSpan.FromSeconds(3));
                await ssl.ShutdownAsync().WaitAsync(ct);
                ssl.ShutdownAsync().Wait(TimeSpan.FromSeconds(3));
                ssl.ShutdownAsync().Wait(3000);
                await Task.WhenAny(ssl.ShutdownAsync(), Task.Delay(3000));
                var t = ssl.ShutdownAsync();
                if (await Task.WhenAny(t, Task.Delay(3000, ct)) != t) { }
                ssl.Dispose();
            }

            Task ReturnedAsync(SslStream ssl) => ssl.ShutdownAsync();
        }
        """);
}
