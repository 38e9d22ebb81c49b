using TlsShutdown.Analyzers.Tests.Verifiers;

namespace TlsShutdown.Analyzers.Tests.Rules;

public class TLS002Tests
{
    [Fact]
    public Task Read_until_zero_after_shutdown_is_reported() => CSharpVerifier.VerifyAsync("""
        class C
        {
            async Task CloseAsync(SslStream ssl)
            {
                await {|TLS003:ssl.ShutdownAsync()|};
                var buffer = new byte[256];
                while (await {|TLS002:ssl.ReadAsync(buffer)|} > 0) { }
                ssl.Dispose();
            }
        }
        """);

    [Fact]
    public Task Sync_read_after_shutdown_without_read_timeout_is_reported() => CSharpVerifier.VerifyAsync("""
        class C
        {
            void Close(SslStream ssl)
            {
                ssl.ShutdownAsync().Wait(TimeSpan.FromSeconds(2));
                var buffer = new byte[256];
                while ({|TLS002:ssl.Read(buffer, 0, buffer.Length)|} > 0) { }
                ssl.Close();
            }
        }
        """);

    [Fact]
    public Task Field_read_with_default_token_is_reported() => CSharpVerifier.VerifyAsync("""
        class C
        {
            private SslStream _ssl = null!;

            async Task CloseAsync()
            {
                await _ssl.ShutdownAsync().WaitAsync(TimeSpan.FromSeconds(2));
                await {|TLS002:_ssl.ReadAsync(new byte[1], 0, 1, CancellationToken.None)|};
            }
        }
        """);

    [Fact]
    public Task Bounded_reads_after_shutdown_are_not_reported() => CSharpVerifier.VerifyAsync("""
        class C
        {
            async Task CloseAsync(SslStream ssl, CancellationToken ct)
            {
                await ssl.ShutdownAsync().WaitAsync(TimeSpan.FromSeconds(2), ct);
                var buffer = new byte[256];
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(1));
                while (await ssl.ReadAsync(buffer, cts.Token) > 0) { }
                await ssl.ReadAsync(buffer, ct);
                await ssl.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(1));
                ssl.Dispose();
            }

            void SyncClose(TcpClient tcp, SslStream ssl)
            {
                tcp.ReceiveTimeout = 1000;
                ssl.ReadTimeout = 1000;
                ssl.ShutdownAsync().Wait(1000);
                while (ssl.Read(new byte[1], 0, 1) > 0) { }
            }

            async Task ReadsBeforeShutdownAsync(SslStream ssl)
            {
                await ssl.ReadAsync(new byte[1]);
                await Task.WhenAny(ssl.ShutdownAsync(), Task.Delay(1000));
            }
        }
        """);
}
