using TlsShutdown.Analyzers.Tests.Verifiers;

namespace TlsShutdown.Analyzers.Tests.Rules;

/// <summary>TLS005 through the ways real code awaits a handshake: ConfigureAwait, its own awaiter extensions, APM.</summary>
public class TLS005AwaitWrapperTests
{
    [Fact]
    public Task Handshakes_awaited_through_configure_await_or_an_extension_that_only_configures_awaiting_are_reported() => CSharpVerifier.VerifyAsync("""
        static class AwaitExtensions
        {
            public static System.Runtime.CompilerServices.ConfiguredTaskAwaitable NoCapture(this Task task) => task.ConfigureAwait(false);

            public static System.Runtime.CompilerServices.ConfiguredTaskAwaitable Captured(this Task task, bool capture) => task.ConfigureAwait(capture);

            public static Detached Detach(this Task task) => new Detached(task);
        }

        readonly struct Detached
        {
            private readonly Task _task;
            public Detached(Task task) => _task = task;
            public System.Runtime.CompilerServices.ConfiguredTaskAwaitable.ConfiguredTaskAwaiter GetAwaiter() => _task.ConfigureAwait(false).GetAwaiter();
        }

        class C
        {
            async Task ConfigureAwaitAsync(SslStream ssl) =>
                await {|TLS005:ssl.AuthenticateAsClientAsync("example.org")|}.ConfigureAwait(false);

            async Task ExtensionAsync(SslStream ssl) =>
                await {|TLS005:ssl.AuthenticateAsClientAsync("example.org")|}.NoCapture();

            async Task ExtensionWithFlagAsync(SslStream ssl, SslServerAuthenticationOptions options) =>
                await {|TLS005:ssl.AuthenticateAsServerAsync(options)|}.Captured(false);

            async Task CustomAwaitableAsync(SslStream ssl) =>
                await {|TLS005:ssl.AuthenticateAsClientAsync("example.org")|}.Detach();
        }
        """);

    [Fact]
    public Task Extensions_that_bound_the_task_and_tokens_given_through_wrappers_are_not_reported() => CSharpVerifier.VerifyAsync("""
        static class AwaitExtensions
        {
            public static System.Runtime.CompilerServices.ConfiguredTaskAwaitable Bounded(this Task task) =>
                task.WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);

            public static System.Runtime.CompilerServices.ConfiguredTaskAwaitable NoCapture(this Task task) => task.ConfigureAwait(false);

            public static Task WithTimeout(this Task task, TimeSpan limit) => task.WaitAsync(limit);
        }

        class C
        {
            async Task BoundedAsync(SslStream ssl) =>
                await ssl.AuthenticateAsClientAsync("example.org").Bounded();

            async Task WithTimeoutAsync(SslStream ssl) =>
                await ssl.AuthenticateAsClientAsync("example.org").WithTimeout(TimeSpan.FromSeconds(5)).ConfigureAwait(false);

            async Task TokenAsync(SslStream ssl, SslClientAuthenticationOptions options, CancellationToken token) =>
                await ssl.AuthenticateAsClientAsync(options, token).NoCapture();

            async Task WaitAsyncThenConfigureAsync(SslStream ssl) =>
                await ssl.AuthenticateAsClientAsync("example.org").WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        """);

    [Fact]
    public Task Apm_handshakes_without_a_bound_are_reported() => CSharpVerifier.VerifyAsync("""
        using System.Security.Cryptography.X509Certificates;

        class C
        {
            void Callback(SslStream ssl, X509Certificate cert) =>
                {|TLS005:ssl.BeginAuthenticateAsServer(cert, ar => ssl.EndAuthenticateAsServer(ar), null)|};

            Task FromAsync(SslStream ssl, X509Certificate cert) =>
                {|TLS005:Task.Factory.FromAsync(ssl.BeginAuthenticateAsServer, ssl.EndAuthenticateAsServer, cert, null)|};

            async Task FromAsyncAwaited(SslStream ssl) =>
                await {|TLS005:Task.Factory.FromAsync(ssl.BeginAuthenticateAsClient, ssl.EndAuthenticateAsClient, "example.org", null)|};
        }
        """);

    [Fact]
    public Task Apm_handshakes_with_a_bound_on_their_task_are_not_reported() => CSharpVerifier.VerifyAsync("""
        using System.Security.Cryptography.X509Certificates;

        class C
        {
            async Task BoundedAsync(SslStream ssl, X509Certificate cert) =>
                await Task.Factory.FromAsync(ssl.BeginAuthenticateAsServer, ssl.EndAuthenticateAsServer, cert, null).WaitAsync(TimeSpan.FromSeconds(10));

            async Task<bool> RacedAsync(SslStream ssl)
            {
                var handshake = Task.Factory.FromAsync(ssl.BeginAuthenticateAsClient, ssl.EndAuthenticateAsClient, "example.org", null);
                return await Task.WhenAny(handshake, Task.Delay(5000)) == handshake;
            }

            Task<int> NotAHandshake(SslStream ssl, byte[] buffer) =>
                Task.Factory.FromAsync(ssl.BeginRead, ssl.EndRead, buffer, 0, buffer.Length, null);
        }
        """);

    [Fact]
    public Task Apm_handshakes_get_no_code_fix()
    {
        const string Source = """
            using System.Security.Cryptography.X509Certificates;

            class C
            {
                void Callback(SslStream ssl, X509Certificate cert)
                {
                    {|TLS005:ssl.BeginAuthenticateAsServer(cert, ar => ssl.EndAuthenticateAsServer(ar), null)|};
                }

                async Task FromAsync(SslStream ssl, X509Certificate cert)
                {
                    await {|TLS005:Task.Factory.FromAsync(ssl.BeginAuthenticateAsServer, ssl.EndAuthenticateAsServer, cert, null)|};
                }
            }
            """;
        return CSharpVerifier.VerifyFixAsync(Source, Source);
    }
}
