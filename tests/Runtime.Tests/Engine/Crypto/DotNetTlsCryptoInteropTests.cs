using System.Net.Security;
using System.Security.Authentication;
using Org.BouncyCastle.Tls.Crypto.Impl;
using TlsShutdown.Engine;
using TlsShutdown.Engine.Crypto;
using TlsShutdown.Tests.Infrastructure;

namespace TlsShutdown.Tests.Engine.Crypto;

/// <summary>
/// Each AEAD suite negotiated with SslStream (OpenSSL) pinning it, both roles, TLS 1.2 and 1.3: the engine's
/// records on .NET's AEADs by default, and on BouncyCastle's when .NET reports the primitive unsupported.
/// </summary>
public sealed class DotNetTlsCryptoInteropTests
{
    // BouncyCastle's client offers no AES-256 (SHA-384) suite by default: the engine as server covers those.
    public static TheoryData<SslProtocols, TlsCipherSuite, bool> ClientSuites => Data(
        (SslProtocols.Tls13, TlsCipherSuite.TLS_AES_128_GCM_SHA256),
        (SslProtocols.Tls13, TlsCipherSuite.TLS_CHACHA20_POLY1305_SHA256),
        (SslProtocols.Tls12, TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256),
        (SslProtocols.Tls12, TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256));

    public static TheoryData<SslProtocols, TlsCipherSuite, bool> ServerSuites => Data(
        (SslProtocols.Tls13, TlsCipherSuite.TLS_AES_128_GCM_SHA256),
        (SslProtocols.Tls13, TlsCipherSuite.TLS_AES_256_GCM_SHA384),
        (SslProtocols.Tls13, TlsCipherSuite.TLS_CHACHA20_POLY1305_SHA256),
        (SslProtocols.Tls12, TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256),
        (SslProtocols.Tls12, TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384),
        (SslProtocols.Tls12, TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256));

    [Theory]
    [MemberData(nameof(ClientSuites))]
    public async Task EngineClient_SslStreamServerPinningTheSuite_ExchangesData(SslProtocols protocol, TlsCipherSuite suite, bool dotNetSupported)
    {
        var crypto = new RecordingCrypto(dotNetSupported, dotNetSupported);
        SslServerAuthenticationOptions serverOptions = EngineTls.ServerOptions(protocol, TestCertificates.Ecdsa);
        serverOptions.CipherSuitesPolicy = new CipherSuitesPolicy([suite]);
        using (EngineCrypto.Use(crypto))
        {
            var (client, server) = await EngineTls.ConnectAsync(
                s => new TlsEngineStream(s),
                (c, ct) => c.AuthenticateAsClientAsync(EngineTls.ClientOptions(protocol), ct),
                s => new SslStream(s),
                (s, ct) => s.AuthenticateAsServerAsync(serverOptions, ct));
            await using (client)
            await using (server)
            {
                Assert.Equal(suite, server.NegotiatedCipherSuite);
                await EngineInteropTests.ExchangeAsync(client, server);
            }
        }

        AssertRecordCiphers(crypto, protocol, dotNetSupported);
    }

    [Theory]
    [MemberData(nameof(ServerSuites))]
    public async Task SslStreamClientPinningTheSuite_EngineServer_ExchangesData(SslProtocols protocol, TlsCipherSuite suite, bool dotNetSupported)
    {
        var crypto = new RecordingCrypto(dotNetSupported, dotNetSupported);
        SslClientAuthenticationOptions clientOptions = EngineTls.ClientOptions(protocol);
        clientOptions.CipherSuitesPolicy = new CipherSuitesPolicy([suite]);
        using (EngineCrypto.Use(crypto))
        {
            var (client, server) = await EngineTls.ConnectAsync(
                s => new SslStream(s),
                (c, ct) => c.AuthenticateAsClientAsync(clientOptions, ct),
                s => new TlsEngineStream(s),
                (s, ct) => s.AuthenticateAsServerAsync(EngineTls.ServerOptions(protocol, TestCertificates.Ecdsa), ct));
            await using (client)
            await using (server)
            {
                Assert.Equal(suite, client.NegotiatedCipherSuite);
                await EngineInteropTests.ExchangeAsync(client, server);
            }
        }

        AssertRecordCiphers(crypto, protocol, dotNetSupported);
    }

    [Fact]
    public void Default_IsDotNetRecordProtection_WhereSupported()
    {
        Assert.IsAssignableFrom<DotNetTlsCrypto>(EngineCrypto.Default);
        Assert.Same(EngineCrypto.Default, EngineCrypto.Instance);
        using (EngineCrypto.Use(EngineCrypto.BouncyCastle))
        {
            Assert.Same(EngineCrypto.BouncyCastle, EngineCrypto.Instance);
        }

        Assert.Same(EngineCrypto.Default, EngineCrypto.Instance);
    }

    private static TheoryData<SslProtocols, TlsCipherSuite, bool> Data(params (SslProtocols Protocol, TlsCipherSuite Suite)[] suites)
    {
        var data = new TheoryData<SslProtocols, TlsCipherSuite, bool>();
        foreach ((SslProtocols protocol, TlsCipherSuite suite) in suites)
        {
            data.Add(protocol, suite, true);
            data.Add(protocol, suite, false);
        }

        return data;
    }

    private static void AssertRecordCiphers(RecordingCrypto crypto, SslProtocols protocol, bool dotNetSupported)
    {
        // TLS 1.3: one cipher for the handshake, one for application data (per side of the key schedule); TLS 1.2: one.
        Assert.Equal(protocol == SslProtocols.Tls13 ? 2 : 1, crypto.Ciphers.Count);
        Type expected = dotNetSupported ? typeof(DotNetAeadCipher) : typeof(TlsAeadCipher);
        Assert.All(crypto.Ciphers, type => Assert.Equal(expected, type));
    }
}
