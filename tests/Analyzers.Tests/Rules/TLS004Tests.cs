using TlsShutdown.Analyzers.Tests.Verifiers;

namespace TlsShutdown.Analyzers.Tests.Rules;

public class TLS004Tests
{
    [Fact]
    public Task Dropped_shutdown_tasks_are_reported() => CSharpVerifier.VerifyAsync("""
        class C
        {
            void Statement(SslStream ssl)
            {
                {|TLS004:ssl.ShutdownAsync()|};
                ssl.Dispose();
            }

            void Discard(SslStream ssl)
            {
                _ = {|TLS004:ssl.ShutdownAsync()|};
                ssl.Close();
            }

            async Task UnusedLocalAsync(SslStream ssl)
            {
                var pending = {|TLS004:ssl.ShutdownAsync()|};
                await ssl.DisposeAsync();
            }
        }
        """);

    [Fact]
    public Task Observed_shutdown_tasks_are_not_reported_as_dropped() => CSharpVerifier.VerifyAsync("""
        class C
        {
            async Task RunAsync(SslStream ssl, List<Task> pending)
            {
                pending.Add(ssl.ShutdownAsync());
                _ = ssl.ShutdownAsync().ContinueWith(t => t.Exception);
                await Task.WhenAny(ssl.ShutdownAsync(), Task.Delay(100));
            }
        }
        """);
}
