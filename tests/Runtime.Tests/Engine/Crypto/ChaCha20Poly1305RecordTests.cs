using System.Security.Cryptography;
using System.Text;
using Org.BouncyCastle.Tls;
using TlsShutdown.Engine.Crypto;

namespace TlsShutdown.Tests.Engine.Crypto;

/// <summary>
/// Known answers for ChaCha20-Poly1305 record protection (RFC 8448 has none): the AEAD test vector of RFC 8439
/// §2.8.2 through BouncyCastle's Impl contract, and through the TLS 1.3 and TLS 1.2 record layouts with the
/// vector's key and nonce, where the ciphertext must be the RFC's (the tag differs: a record's additional data is
/// its own header).
/// </summary>
public sealed class ChaCha20Poly1305RecordTests
{
    private const string Key = "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f";
    private const string Nonce = "070000004041424344454647";
    private const string AdditionalData = "50515253c0c1c2c3c4c5c6c7";
    private const string Ciphertext =
        "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d63dbea45e8ca9671282fafb69da92728b" +
        "1a71de0a9e060b2905d6a5b67ecd3b3692ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc" +
        "3ff4def08e4b7a9de576d26586cec64b6116";
    private const string Tag = "1ae10b594f09e26a7e902ecbd0600691";

    private static readonly byte[] Plaintext = Encoding.ASCII.GetBytes(
        "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.");

    [Fact]
    public void Rfc8439Vector_ThroughTheImplContract_EncryptsAndDecrypts()
    {
        var encrypt = new DotNetAeadCipherImpl(AeadAlgorithm.ChaCha20Poly1305, isEncrypting: true);
        encrypt.SetKey(Convert.FromHexString(Key), 0, 32);
        encrypt.Init(Convert.FromHexString(Nonce), 16, null!);
        Assert.Equal(Plaintext.Length + 16, encrypt.GetOutputSize(Plaintext.Length));
        var output = new byte[Plaintext.Length + 16];
        int written = encrypt.DoFinal(Convert.FromHexString(AdditionalData), Plaintext, 0, Plaintext.Length, output, 0);
        Assert.Equal(output.Length, written);
        Assert.Equal(Ciphertext + Tag, Convert.ToHexString(output), ignoreCase: true);

        var decrypt = new DotNetAeadCipherImpl(AeadAlgorithm.ChaCha20Poly1305, isEncrypting: false);
        decrypt.SetKey(Convert.FromHexString(Key));
        decrypt.Init(Convert.FromHexString(Nonce), 16, null!);
        byte[] sealedBytes = Convert.FromHexString(Ciphertext + Tag);
        int read = decrypt.DoFinal(Convert.FromHexString(AdditionalData), sealedBytes, 0, sealedBytes.Length, sealedBytes, 0);
        Assert.Equal(Plaintext, sealedBytes.AsSpan(0, read).ToArray());

        // BouncyCastle maps any non-IOException of an AEAD to bad_record_mac.
        byte[] tampered = Convert.FromHexString(Ciphertext + Tag);
        tampered[^1] ^= 0x80;
        Assert.ThrowsAny<CryptographicException>(() => decrypt.DoFinal(Convert.FromHexString(AdditionalData), tampered, 0, tampered.Length, tampered, 0));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void RecordLayouts_EncryptWithTheRfc8439Keystream_AndOpenBack(bool isTls13)
    {
        // Both layouts use the IV XOR the sequence number (RFC 8446 §5.3, RFC 7905 §2): at sequence 0 the nonce is the IV.
        byte[] plaintext = isTls13 ? Plaintext : [.. Plaintext, (byte)ContentType.application_data];
        var encrypt = new DotNetAeadCipherImpl(AeadAlgorithm.ChaCha20Poly1305, isEncrypting: true);
        encrypt.SetKey(Convert.FromHexString(Key));
        var sealer = new AeadRecordProtection(encrypt, Convert.FromHexString(Nonce), isTls13);
        var fragment = new byte[plaintext.Length + sealer.Overhead];
        (int length, short recordType) = sealer.Seal(0, ContentType.application_data, ProtocolVersion.TLSv12, plaintext, fragment);

        Assert.Equal(fragment.Length, length);
        Assert.Equal(ContentType.application_data, recordType);
        // TLS 1.3 seals the content type after the data; TLS 1.2 got it as the plaintext's last byte: same bytes, same keystream.
        Assert.Equal(Ciphertext, Convert.ToHexString(fragment, 0, Plaintext.Length), ignoreCase: true);
        Assert.NotEqual(Tag, Convert.ToHexString(fragment, length - 16, 16).ToLowerInvariant());

        var decrypt = new DotNetAeadCipherImpl(AeadAlgorithm.ChaCha20Poly1305, isEncrypting: false);
        decrypt.SetKey(Convert.FromHexString(Key));
        var opener = new AeadRecordProtection(decrypt, Convert.FromHexString(Nonce), isTls13);
        byte[] copy = (byte[])fragment.Clone();
        (int offset, int plaintextLength, short contentType) = opener.Open(0, ContentType.application_data, ProtocolVersion.TLSv12, copy);
        Assert.Equal(ContentType.application_data, contentType);
        Assert.Equal(plaintext, copy.AsSpan(offset, plaintextLength).ToArray());

        // The sequence number is part of the nonce: the same record as the next one does not open.
        TlsFatalAlert alert = Assert.Throws<TlsFatalAlert>(() => opener.Open(1, ContentType.application_data, ProtocolVersion.TLSv12, (byte[])fragment.Clone()));
        Assert.Equal(AlertDescription.bad_record_mac, alert.AlertDescription);
    }
}
