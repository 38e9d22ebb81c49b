using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;

namespace TlsShutdown.Engine;

/// <summary>The one BouncyCastle crypto provider every engine connection shares (it is thread-safe).</summary>
internal static class EngineCrypto
{
    public static BcTlsCrypto Instance { get; } = new(new SecureRandom());
}
