using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;
using TlsShutdown.Engine.Crypto;

namespace TlsShutdown.Engine;

/// <summary>The BouncyCastle crypto provider engine connections use (thread-safe, shared).</summary>
internal static class EngineCrypto
{
    private static readonly AsyncLocal<BcTlsCrypto?> s_override = new();

    /// <summary>The default: BouncyCastle's, with AES-GCM and ChaCha20-Poly1305 records on .NET's AEADs.</summary>
    public static BcTlsCrypto Default { get; } = new DotNetTlsCrypto(new SecureRandom());

    /// <summary>BouncyCastle's own crypto throughout: the fallback, kept selectable for tests and benchmarks.</summary>
    public static BcTlsCrypto BouncyCastle { get; } = new BcTlsCrypto(new SecureRandom());

    /// <summary>The provider for a connection created now: <see cref="Default"/> unless the current async flow
    /// chose another with <see cref="Use"/>.</summary>
    public static BcTlsCrypto Instance => s_override.Value ?? Default;

    /// <summary>For tests and benchmarks: connections created in the current async flow until the result is
    /// disposed use <paramref name="crypto"/>.</summary>
    public static IDisposable Use(BcTlsCrypto crypto)
    {
        BcTlsCrypto? previous = s_override.Value;
        s_override.Value = crypto;
        return new Restore(previous);
    }

    private sealed class Restore(BcTlsCrypto? previous) : IDisposable
    {
        public void Dispose() => s_override.Value = previous;
    }
}
