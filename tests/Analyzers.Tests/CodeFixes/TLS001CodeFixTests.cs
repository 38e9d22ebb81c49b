using TlsShutdown.Analyzers.Tests.Verifiers;

namespace TlsShutdown.Analyzers.Tests.CodeFixes;

public class TLS001CodeFixTests
{
    [Fact]
    public Task Explicit_closes_in_async_and_sync_code_fix_all() => CSharpVerifier.VerifyFixAsync("""
        class C
        {
            async Task RunAsync(Stream inner, CancellationToken ct)
            {
                var ssl = new SslStream(inner);
                await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "x" }, ct);
                // keep this comment
                {|TLS001:ssl.Dispose()|};
            }

            void Run(SslStream ssl)
            {
                ssl.Write(new byte[1]);
                {|TLS001:ssl.Close()|}; // trailing
            }

            async Task NoTokenAsync(SslStream ssl)
            {
                if (ssl.IsAuthenticated)
                    {|TLS001:ssl.Dispose()|};
                await Task.Yield();
            }
        }
        """, """
        class C
        {
            async Task RunAsync(Stream inner, CancellationToken ct)
            {
                var ssl = new SslStream(inner);
                await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "x" }, ct);
                // keep this comment
                await GracefulTlsClose.CloseAsync(ssl, cancellationToken: ct);
                ssl.Dispose();
            }

            void Run(SslStream ssl)
            {
                ssl.Write(new byte[1]);
                GracefulTlsClose.Close(ssl);
                ssl.Close(); // trailing
            }

            async Task NoTokenAsync(SslStream ssl)
            {
                if (ssl.IsAuthenticated)
                {
                    await GracefulTlsClose.CloseAsync(ssl);
                    ssl.Dispose();
                }
                await Task.Yield();
            }
        }
        """, fixedUsings: CSharpVerifier.UsingsWithRuntime);

    [Fact]
    public Task Using_declaration_gets_the_close_before_each_normal_exit() => CSharpVerifier.VerifyFixAsync("""
        class C
        {
            async Task<int> RunAsync(Stream inner, bool early, CancellationToken ct)
            {
                {|TLS001:using var ssl = new SslStream(inner);|}
                await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "x" }, ct);
                if (early)
                {
                    return 1;
                }

                await ssl.WriteAsync(new byte[1], ct);
                return 2;
            }

            async Task LoopAsync(Stream inner, CancellationToken ct)
            {
                for (int i = 0; i < 3; i++)
                {
                    {|TLS001:using (var ssl = new SslStream(inner, leaveInnerStreamOpen: true))|}
                    {
                        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "x" }, ct);
                        if (i == 1) continue;
                        await ssl.WriteAsync(new byte[1], ct);
                    }
                }
            }
        }
        """, """
        class C
        {
            async Task<int> RunAsync(Stream inner, bool early, CancellationToken ct)
            {
                using var ssl = new SslStream(inner);
                await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "x" }, ct);
                if (early)
                {
                    await GracefulTlsClose.CloseAsync(ssl, cancellationToken: ct);
                    return 1;
                }

                await ssl.WriteAsync(new byte[1], ct);
                await GracefulTlsClose.CloseAsync(ssl, cancellationToken: ct);
                return 2;
            }

            async Task LoopAsync(Stream inner, CancellationToken ct)
            {
                for (int i = 0; i < 3; i++)
                {
                    using (var ssl = new SslStream(inner, leaveInnerStreamOpen: true))
                    {
                        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "x" }, ct);
                        if (i == 1)
                        {
                            await GracefulTlsClose.CloseAsync(ssl, cancellationToken: ct);
                            continue;
                        }
                        await ssl.WriteAsync(new byte[1], ct);
                        await GracefulTlsClose.CloseAsync(ssl, cancellationToken: ct);
                    }
                }
            }
        }
        """, fixedUsings: CSharpVerifier.UsingsWithRuntime);

    [Fact]
    public Task Owner_dispose_of_a_field_and_expression_bodied_dispose() => CSharpVerifier.VerifyFixAsync("""
        sealed class A : IDisposable
        {
            private readonly SslStream _ssl;
            public A(Stream inner) => _ssl = new SslStream(inner);
            public void Dispose()
            {
                {|TLS001:_ssl?.Dispose()|};
            }
        }

        sealed class B : IDisposable
        {
            private readonly SslStream _ssl;
            public B(Stream inner) => _ssl = new SslStream(inner);
            public void Dispose() => {|TLS001:_ssl.Dispose()|};
        }
        """, """
        sealed class A : IDisposable
        {
            private readonly SslStream _ssl;
            public A(Stream inner) => _ssl = new SslStream(inner);
            public void Dispose()
            {
                if (_ssl != null) GracefulTlsClose.Close(_ssl);
                _ssl?.Dispose();
            }
        }

        sealed class B : IDisposable
        {
            private readonly SslStream _ssl;
            public B(Stream inner) => _ssl = new SslStream(inner);
            public void Dispose()
            {
                GracefulTlsClose.Close(_ssl);
                _ssl.Dispose();
            }
        }
        """, fixedUsings: CSharpVerifier.UsingsWithRuntime);

    [Fact]
    public Task Without_the_runtime_an_inline_bounded_shutdown_is_inserted() => CSharpVerifier.VerifyFixAsync("""
        class C
        {
            async Task RunAsync(Stream inner, CancellationToken ct)
            {
                var ssl = new SslStream(inner);
                await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "x" }, ct);
                {|TLS001:ssl.Dispose()|};
            }

            void Run(SslStream ssl)
            {
                {|TLS001:ssl.Close()|};
            }
        }
        """, """
        class C
        {
            async Task RunAsync(Stream inner, CancellationToken ct)
            {
                var ssl = new SslStream(inner);
                await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "x" }, ct);
                await Task.WhenAny(ssl.ShutdownAsync(), Task.Delay(TimeSpan.FromSeconds(5)));
                ssl.Dispose();
            }

            void Run(SslStream ssl)
            {
                ssl.ShutdownAsync().Wait(TimeSpan.FromSeconds(5));
                ssl.Close();
            }
        }
        """, stubs: TestStubs.None);

    [Fact]
    public Task Stream_typed_alias_is_cast_for_the_call() => CSharpVerifier.VerifyFixAsync("""
        class C
        {
            private Stream? _stream;

            public async Task OpenAsync(Stream inner, CancellationToken ct)
            {
                var ssl = new SslStream(inner);
                await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "x" }, ct);
                _stream = ssl;
            }

            public void Close()
            {
                {|TLS001:_stream!.Dispose()|};
            }
        }
        """, """
        class C
        {
            private Stream? _stream;

            public async Task OpenAsync(Stream inner, CancellationToken ct)
            {
                var ssl = new SslStream(inner);
                await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "x" }, ct);
                _stream = ssl;
            }

            public void Close()
            {
                if (_stream != null) GracefulTlsClose.Close((SslStream)_stream);
                _stream!.Dispose();
            }
        }
        """, fixedUsings: CSharpVerifier.UsingsWithRuntime);
}
