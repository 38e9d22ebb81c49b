using TlsShutdown.Analyzers.Tests.Verifiers;

namespace TlsShutdown.Analyzers.Tests.Rules;

/// <summary>
/// Path-sensitive closes: a using disposes on every path that leaves it, so one normal path that reaches it
/// with the connection live is reported; paths where the handshake failed or timed out are error handling.
/// </summary>
public class TLS001PathTests
{
    [Fact]
    public Task Early_return_before_the_graceful_close_reports_the_using() => CSharpVerifier.VerifyAsync("""
        using TlsShutdown;

        class Fetcher
        {
            async Task<int> FetchAsync(Stream inner, bool headOnly, CancellationToken ct)
            {
                {|TLS001:await using var ssl = new SslStream(inner);|}
                await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "x" }, ct);
                await ssl.WriteAsync(new byte[1], ct);
                if (headOnly) return 0;
                var n = await ssl.ReadAsync(new byte[16], ct);
                await GracefulTlsClose.CloseAsync(ssl, cancellationToken: ct);
                return n;
            }
        }
        """);

    [Fact]
    public Task Graceful_close_on_one_branch_only_reports_the_using() => CSharpVerifier.VerifyAsync("""
        using TlsShutdown;

        class Sender
        {
            async Task SendAsync(Stream inner, byte[] data, CancellationToken ct)
            {
                {|TLS001:using (var ssl = new SslStream(inner))|}
                {
                    await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "x" }, ct);
                    await ssl.WriteAsync(data, ct);
                    if (data.Length > 0)
                    {
                        await GracefulTlsClose.CloseAsync(ssl, cancellationToken: ct);
                    }
                }
            }
        }
        """);

    [Fact]
    public Task Graceful_close_on_every_path_out_of_the_using_is_quiet() => CSharpVerifier.VerifyAsync("""
        using TlsShutdown;

        class Fetcher
        {
            async Task<int> FetchAsync(Stream inner, bool headOnly, CancellationToken ct)
            {
                await using var ssl = new SslStream(inner);
                await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "x" }, ct);
                if (headOnly)
                {
                    await GracefulTlsClose.CloseAsync(ssl, cancellationToken: ct);
                    return 0;
                }

                var n = await ssl.ReadAsync(new byte[16], ct);
                await GracefulTlsClose.CloseAsync(ssl, cancellationToken: ct);
                return n;
            }
        }
        """);

    [Fact]
    public Task Early_return_before_the_handshake_leaves_nothing_live() => CSharpVerifier.VerifyAsync("""
        using TlsShutdown;

        class Fetcher
        {
            async Task FetchAsync(Stream inner, string? host, CancellationToken ct)
            {
                await using var ssl = new SslStream(inner);
                if (host is null) return;
                await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = host }, ct);
                await GracefulTlsClose.CloseAsync(ssl, cancellationToken: ct);
            }
        }
        """);

    [Fact]
    public Task A_catch_that_swallows_the_failure_does_not_hide_the_normal_path() => CSharpVerifier.VerifyAsync("""
        class Probe
        {
            async Task ProbeAsync(Stream inner, CancellationToken ct)
            {
                var ssl = new SslStream(inner);
                try
                {
                    await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "x" }, ct);
                }
                catch (IOException)
                {
                }

                {|TLS001:ssl.Dispose()|};
            }
        }
        """);

    [Fact]
    public Task Timed_out_handshake_raced_against_a_delay_is_quiet() => CSharpVerifier.VerifyAsync("""
        using TlsShutdown;

        class Dialer
        {
            async Task DialAsync(Stream inner, TimeSpan limit, CancellationToken ct)
            {
                var ssl = new SslStream(inner);
                var auth = ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "x" }, ct);
                if (await Task.WhenAny(auth, Task.Delay(limit, ct)) != auth)
                {
                    ssl.Close();
                    return;
                }

                await GracefulTlsClose.CloseAsync(ssl, cancellationToken: ct);
            }

            async Task DialWithNamedDelayAsync(Stream inner, CancellationToken ct)
            {
                var ssl = new SslStream(inner);
                var auth = ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "x" }, ct);
                var delay = Task.Delay(5000, ct);
                var winner = await Task.WhenAny(auth, delay);
                if (winner == delay)
                {
                    ssl.Dispose();
                    return;
                }

                await GracefulTlsClose.CloseAsync(ssl, cancellationToken: ct);
            }
        }
        """);

    [Fact]
    public Task Faulted_or_unauthenticated_handshake_closes_are_quiet() => CSharpVerifier.VerifyAsync("""
        using TlsShutdown;

        class Dialer
        {
            void DialBlocking(Stream inner)
            {
                var ssl = new SslStream(inner);
                var auth = ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "x" }, new CancellationTokenSource(5000).Token);
                if (!auth.Wait(TimeSpan.FromSeconds(5)) || auth.IsFaulted)
                {
                    ssl.Close();
                    return;
                }

                GracefulTlsClose.Close(ssl);
            }

            async Task DialAsync(Stream inner, CancellationToken ct)
            {
                var ssl = new SslStream(inner);
                await HandshakeAsync(ssl, ct);
                if (!ssl.IsAuthenticated)
                {
                    inner.Close();
                    return;
                }

                await GracefulTlsClose.CloseAsync(ssl, cancellationToken: ct);
            }

            static Task HandshakeAsync(SslStream ssl, CancellationToken ct) => Task.CompletedTask;
        }
        """);

    [Fact]
    public Task Not_completed_after_racing_a_delay_is_a_timeout() => CSharpVerifier.VerifyAsync("""
        using TlsShutdown;

        class Dialer
        {
            async Task<bool> DialAsync(Socket socket, CancellationToken ct)
            {
                var ssl = new SslStream(new NetworkStream(socket));
                var auth = ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "x" }, ct);
                await Task.WhenAny(auth, Task.Delay(5000, ct));
                if (auth.IsCompleted)
                {
                    await GracefulTlsClose.CloseAsync(ssl, cancellationToken: ct);
                    return true;
                }
                else
                {
                    socket.Close(5);
                    return false;
                }
            }
        }
        """);

    [Fact]
    public Task A_close_after_the_handshake_succeeded_is_still_reported() => CSharpVerifier.VerifyAsync("""
        class Dialer
        {
            async Task DialAsync(Stream inner, TimeSpan limit, CancellationToken ct)
            {
                var ssl = new SslStream(inner);
                var auth = ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "x" }, ct);
                if (await Task.WhenAny(auth, Task.Delay(limit, ct)) == auth && ssl.IsAuthenticated)
                {
                    await ssl.WriteAsync(new byte[1], ct);
                    {|TLS001:ssl.Close()|};
                }
            }
        }
        """);
}
