using TlsShutdown.Analyzers.Tests.Verifiers;

namespace TlsShutdown.Analyzers.Tests.Configuration;

/// <summary>The .editorconfig options of docs/usage.md ("Configuration"), each with and without its setting.</summary>
public class ConfigurationTests
{
    // A team's own close helper behind an interface: its body is not visible, so only the option can tell.
    private const string GracefulHelper = """
        namespace MyLib
        {
            public interface IConn
            {
                void CloseGracefully(SslStream ssl);
                void CloseGracefully(SslStream ssl, TimeSpan limit);
            }
        }

        class C
        {
            async Task RunAsync(TcpClient tcp, MyLib.IConn conn, CancellationToken ct)
            {
                var ssl = new SslStream(tcp.GetStream());
                await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "x" }, ct);
                conn.CloseGracefully(ssl);
                MARKER
            }
        }
        """;

    private static string Graceful(bool reported) =>
        GracefulHelper.Replace("MARKER", reported ? "{|TLS001:ssl.Dispose()|};" : "ssl.Dispose();");

    [Fact]
    public Task Without_options_a_call_to_an_unknown_helper_is_no_graceful_close() =>
        CSharpVerifier.VerifyWithOptionsAsync(Graceful(reported: true), "");

    [Theory]
    [InlineData("dotnet_code_quality.TLS001.graceful_close_methods = M:MyLib.IConn.CloseGracefully(System.Net.Security.SslStream)")]
    [InlineData("dotnet_code_quality.TLS001.graceful_close_methods = MyLib.IConn.CloseGracefully")]
    [InlineData("dotnet_code_quality.TLS001.graceful_close_methods = IConn.CloseGracefully")]
    [InlineData("dotnet_code_quality.graceful_close_methods = Other.Close | IConn.CloseGracefully")]
    public Task Graceful_close_methods_count_as_the_shutdown(string option) =>
        CSharpVerifier.VerifyWithOptionsAsync(Graceful(reported: false), option);

    [Theory]
    [InlineData("dotnet_code_quality.TLS001.graceful_close_methods = M:MyLib.IConn.CloseGracefully(System.Net.Security.SslStream,System.TimeSpan)")]
    [InlineData("dotnet_code_quality.TLS001.graceful_close_methods = MyLib.Conn.CloseGracefully")]
    [InlineData("dotnet_code_quality.TLS001.graceful_close_methods = CloseGracefullyAndMore")]
    public Task Graceful_close_methods_naming_another_method_change_nothing(string option) =>
        CSharpVerifier.VerifyWithOptionsAsync(Graceful(reported: true), option);

    private const string OwnershipSource = """
        namespace MyLib
        {
            public interface IRegistry { void Keep(Stream stream); }
            public sealed class Session { public Session(Stream stream) { } }
        }

        class C
        {
            async Task AdoptAsync(TcpClient tcp, MyLib.IRegistry registry, CancellationToken ct)
            {
                var ssl = new SslStream(tcp.GetStream());
                await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions(), ct);
                registry.Keep(ssl);
                ADOPT
            }
        }
        """;

    [Fact]
    public Task Without_options_a_stream_lent_to_a_method_is_still_the_callers_to_close_well() =>
        CSharpVerifier.VerifyWithOptionsAsync(OwnershipSource.Replace("ADOPT", "{|TLS001:ssl.Dispose()|};"), "");

    [Theory]
    [InlineData("dotnet_code_quality.TLS001.ownership_transfer_methods = M:MyLib.IRegistry.Keep(System.IO.Stream)")]
    [InlineData("dotnet_code_quality.ownership_transfer_methods = IRegistry.Keep")]
    public Task Ownership_transfer_methods_take_the_close_off_the_caller(string option) =>
        CSharpVerifier.VerifyWithOptionsAsync(OwnershipSource.Replace("ADOPT", "ssl.Dispose();"), option);

    private const string SessionSource = """
        namespace MyLib
        {
            public sealed class Session { public Session(Stream stream) { } public Task RunAsync() => Task.CompletedTask; }
        }

        class C
        {
            async Task ServeAsync(TcpClient tcp, CancellationToken ct)
            {
                var ssl = new SslStream(tcp.GetStream());
                try
                {
                    await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions(), ct);
                    await new MyLib.Session(ssl).RunAsync();
                }
                finally
                {
                    CLOSE;
                }
            }
        }
        """;

    [Fact]
    public Task Without_options_a_stream_handed_to_a_constructor_and_closed_here_is_reported() =>
        CSharpVerifier.VerifyWithOptionsAsync(SessionSource.Replace("CLOSE", "await {|TLS001:ssl.DisposeAsync()|}"), "");

    [Theory]
    [InlineData("dotnet_code_quality.TLS001.ownership_transfer_methods = MyLib.Session..ctor")]
    [InlineData("dotnet_code_quality.TLS001.ownership_transfer_methods = M:MyLib.Session..ctor(System.IO.Stream)")]
    public Task Ownership_transfer_constructors_are_named_with_ctor(string option) =>
        CSharpVerifier.VerifyWithOptionsAsync(SessionSource.Replace("CLOSE", "await ssl.DisposeAsync()"), option);

    private const string ExcludedSource = """
        namespace Legacy
        {
            class Conn
            {
                async Task RunAsync(TcpClient tcp)
                {
                    var ssl = new SslStream(tcp.GetStream());
                    await HANDSHAKE;
                    CLOSE;
                }
            }
        }
        """;

    private static string Excluded(bool handshake, bool close) => ExcludedSource
        .Replace("HANDSHAKE", handshake ? "{|TLS005:ssl.AuthenticateAsClientAsync(\"x\")|}" : "ssl.AuthenticateAsClientAsync(\"x\")")
        .Replace("CLOSE", close ? "{|TLS001:ssl.Dispose()|}" : "ssl.Dispose()");

    [Fact]
    public Task Without_options_every_rule_reports_in_every_type() =>
        CSharpVerifier.VerifyWithOptionsAsync(Excluded(handshake: true, close: true), "");

    [Theory]
    [InlineData("dotnet_code_quality.TLS001.excluded_type_names = Legacy.Conn")]
    [InlineData("dotnet_code_quality.TLS001.excluded_type_names = T:Legacy.Conn")]
    [InlineData("dotnet_code_quality.tls001.excluded_type_names = Conn")]
    public Task Excluded_type_names_silence_one_rule_in_those_types(string option) =>
        CSharpVerifier.VerifyWithOptionsAsync(Excluded(handshake: true, close: false), option);

    [Fact]
    public Task Excluded_type_names_without_a_rule_silence_every_rule() =>
        CSharpVerifier.VerifyWithOptionsAsync(Excluded(handshake: false, close: false), "dotnet_code_quality.excluded_type_names = Legacy.Conn");

    [Fact]
    public Task Excluded_type_names_of_other_types_change_nothing() =>
        CSharpVerifier.VerifyWithOptionsAsync(Excluded(handshake: true, close: true), "dotnet_code_quality.excluded_type_names = Legacy.Other | T:Conn");
}
