using Org.BouncyCastle.Tls;
using TlsShutdown.Engine.Crypto;

namespace TlsShutdown.Tests.Engine.Crypto;

/// <summary>
/// The TLS 1.2 AES-GCM record layout (RFC 5288): a 4-byte fixed IV, the sequence number as the 8-byte explicit
/// nonce sent before the ciphertext, and seq_num + type + version + length as additional data. Checked against
/// RFC 8448's keystream: with the fixed IV and sequence number chosen so that the nonce is RFC 8448's client
/// application nonce, the ciphertext must be the RFC's.
/// </summary>
public sealed class Tls12GcmRecordTests
{
    private const string Key = "17422dda596ed5d9acd890e3c63f5051";
    private const string FixedIv = "5b78923d";
    private const long SequenceNumber = unchecked((long)0xee08579033e523d9);

    // RFC 8448 §3, the client's application data record: 50 bytes 00..31 then the inner type 0x17, sealed.
    private const string Rfc8448Ciphertext = "a23f7054b62c94d0affafe8228ba55cbefacea42f914aa66bcab3f2b9819a8a5b46b395bd54a9a20441e2b62974e1f5a6292a2";

    [Fact]
    public void Seal_WritesTheExplicitNonce_AndEncryptsWithTheRfcKeystream()
    {
        byte[] plaintext = [.. Enumerable.Range(0, 50).Select(i => (byte)i), (byte)ContentType.application_data];
        AeadRecordProtection sealer = Protection(isEncrypting: true);
        Assert.Equal(8 + 16, sealer.Overhead);
        var fragment = new byte[plaintext.Length + sealer.Overhead];

        (int length, short recordType) = sealer.Seal(SequenceNumber, ContentType.application_data, ProtocolVersion.TLSv12, plaintext, fragment);

        Assert.Equal(fragment.Length, length);
        Assert.Equal(ContentType.application_data, recordType);
        Assert.Equal("ee08579033e523d9", Convert.ToHexString(fragment, 0, 8), ignoreCase: true);
        Assert.Equal(Rfc8448Ciphertext, Convert.ToHexString(fragment, 8, plaintext.Length), ignoreCase: true);

        AeadRecordProtection opener = Protection(isEncrypting: false);
        byte[] copy = (byte[])fragment.Clone();
        (int offset, int plaintextLength, short contentType) = opener.Open(SequenceNumber, ContentType.application_data, ProtocolVersion.TLSv12, copy);
        Assert.Equal((8, plaintext.Length, ContentType.application_data), (offset, plaintextLength, contentType));
        Assert.Equal(plaintext, copy.AsSpan(offset, plaintextLength).ToArray());
    }

    [Fact]
    public void Open_RefusesAlteredNonceTypeOrSequence_WithBadRecordMac()
    {
        byte[] plaintext = [1, 2, 3, 4, 5];
        var fragment = new byte[plaintext.Length + 24];
        Protection(isEncrypting: true).Seal(7, ContentType.application_data, ProtocolVersion.TLSv12, plaintext, fragment);
        AeadRecordProtection opener = Protection(isEncrypting: false);

        byte[] nonceAltered = (byte[])fragment.Clone();
        nonceAltered[3] ^= 1;
        AssertBadRecordMac(() => opener.Open(7, ContentType.application_data, ProtocolVersion.TLSv12, nonceAltered));
        // TLS 1.2 puts the sequence number and the type in the additional data, not only in the nonce.
        AssertBadRecordMac(() => opener.Open(8, ContentType.application_data, ProtocolVersion.TLSv12, (byte[])fragment.Clone()));
        AssertBadRecordMac(() => opener.Open(7, ContentType.handshake, ProtocolVersion.TLSv12, (byte[])fragment.Clone()));
        var shortFragment = new byte[23];
        Assert.Equal(AlertDescription.decode_error, Assert.Throws<TlsFatalAlert>(() => opener.Open(7, ContentType.application_data, ProtocolVersion.TLSv12, shortFragment)).AlertDescription);
    }

    private static void AssertBadRecordMac(Action open) =>
        Assert.Equal(AlertDescription.bad_record_mac, Assert.Throws<TlsFatalAlert>(open).AlertDescription);

    private static AeadRecordProtection Protection(bool isEncrypting)
    {
        var aead = new DotNetAeadCipherImpl(AeadAlgorithm.AesGcm, isEncrypting);
        aead.SetKey(Convert.FromHexString(Key));
        return new AeadRecordProtection(aead, Convert.FromHexString(FixedIv), isTls13: false);
    }
}
