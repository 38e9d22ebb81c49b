using System.Net.Security;

namespace TlsShutdown.Engine;

/// <summary>The options client and server share and the engine cannot honour: refused by name, never ignored.</summary>
internal static class EngineOptions
{
    /// <exception cref="NotSupportedException">A cipher suite policy, or an encryption policy other than RequireEncryption.</exception>
    public static void RejectUnsupported(CipherSuitesPolicy? cipherSuitesPolicy, EncryptionPolicy encryptionPolicy)
    {
        if (cipherSuitesPolicy is not null)
        {
            throw new NotSupportedException("CipherSuitesPolicy is not supported by TlsEngineStream.");
        }

#pragma warning disable SYSLIB0040 // EncryptionPolicy is obsolete; only its default can be honoured.
        if (encryptionPolicy != EncryptionPolicy.RequireEncryption)
        {
            throw new NotSupportedException("EncryptionPolicy: TlsEngineStream always requires encryption.");
        }
#pragma warning restore SYSLIB0040
    }
}
