using System.Security.Authentication;
using Org.BouncyCastle.Tls.Crypto.Impl;
using TlsShutdown.Engine;

namespace TlsShutdown.Tests.Engine.Crypto;

/// <summary>
/// The interop suite's data exchanges run again with the fallback: BouncyCastle's record protection, as on a
/// platform where .NET reports AES-GCM and ChaCha20-Poly1305 unsupported.
/// </summary>
public sealed class EngineFallbackCryptoInteropTests
{
    [Theory]
    [MemberData(nameof(EngineTls.ProtocolsAndKeys), MemberType = typeof(EngineTls))]
    public Task EngineClient_SslStreamServer_ExchangesData(SslProtocols protocol, string keyType) =>
        WithFallbackAsync(() => new EngineInteropTests().EngineClient_SslStreamServer_ExchangesData(protocol, keyType));

    [Theory]
    [MemberData(nameof(EngineTls.ProtocolsAndKeys), MemberType = typeof(EngineTls))]
    public Task SslStreamClient_EngineServer_ExchangesData(SslProtocols protocol, string keyType) =>
        WithFallbackAsync(() => new EngineInteropTests().SslStreamClient_EngineServer_ExchangesData(protocol, keyType));

    [Theory]
    [MemberData(nameof(EngineTls.ProtocolsAndKeys), MemberType = typeof(EngineTls))]
    public Task EngineClient_EngineServer_ExchangesData(SslProtocols protocol, string keyType) =>
        WithFallbackAsync(() => new EngineInteropTests().EngineClient_EngineServer_ExchangesData(protocol, keyType));

    private static async Task WithFallbackAsync(Func<Task> test)
    {
        var crypto = new RecordingCrypto(useAesGcm: false, useChaCha20Poly1305: false);
        using (EngineCrypto.Use(crypto))
        {
            await test();
        }

        Assert.NotEmpty(crypto.Ciphers);
        Assert.All(crypto.Ciphers, type => Assert.Equal(typeof(TlsAeadCipher), type));
    }
}
