using Org.BouncyCastle.Tls;
using TlsShutdown.Engine.Crypto;

namespace TlsShutdown.Tests.Engine.Crypto;

/// <summary>
/// Known answers for the TLS 1.3 record protection on .NET's AES-GCM: the exact records of RFC 8448 §3 (Simple
/// 1-RTT Handshake, TLS_AES_128_GCM_SHA256), sealed byte for byte and opened back, and tampered records refused.
/// </summary>
public sealed class Rfc8448RecordTests
{
    private const string ClientApplicationKey = "17422dda596ed5d9acd890e3c63f5051";
    private const string ClientApplicationIv = "5b78923dee08579033e523d9";
    private const string ClientApplicationRecord = "1703030043a23f7054b62c94d0affafe8228ba55cbefacea42f914aa66bcab3f2b9819a8a5b46b395bd54a9a20441e2b62974e1f5a6292a2977014bd1e3deae63aeebb21694915e4";

    // RFC 8448 §3 sends the 50 bytes 00 01 .. 31 each way.
    private static readonly byte[] ApplicationData = [.. Enumerable.Range(0, 50).Select(i => (byte)i)];

    public static TheoryData<string, string, string, long, short, string, string> Records => new()
    {
        {
            "client Finished (client handshake traffic)",
            "dbfaa693d1762c5b666af5d950258d01", "5bd3c71b836e0b76bb73265f", 0, ContentType.handshake,
            "14000020a8ec436d677634ae525ac1fcebe11a039ec17694fac6e98527b642f2edd5ce61",
            "170303003575ec4dc238cce60b298044a71e219c56cc77b0517fe9b93c7a4bfc44d87f38f80338ac98fc46deb384bd1caeacab6867d726c40546"
        },
        {
            "client application data",
            ClientApplicationKey, ClientApplicationIv, 0, ContentType.application_data,
            Convert.ToHexString(ApplicationData),
            ClientApplicationRecord
        },
        {
            "server application data (after its NewSessionTicket)",
            "9f02283b6c9c07efc26bb9f2ac92e356", "cf782b88dd83549aadf1e984", 1, ContentType.application_data,
            Convert.ToHexString(ApplicationData),
            "17030300432e937e11ef4ac740e538ad36005fc4a46932fc3225d05f82aa1b36e30efaf97d90e6dffc602dcb501a59a8fcc49c4bf2e5f0a21c0047c2abf332540dd032e167c2955d"
        },
        {
            "client close_notify",
            ClientApplicationKey, ClientApplicationIv, 1, ContentType.alert,
            "0100",
            "1703030013c9872760655666b74d7ff1153efd6db6d0b0e3"
        },
        {
            "server close_notify",
            "9f02283b6c9c07efc26bb9f2ac92e356", "cf782b88dd83549aadf1e984", 2, ContentType.alert,
            "0100",
            "1703030013b58fd67166ebf599d24720cfbe7efa7a8864a9"
        },
    };

    [Theory]
    [MemberData(nameof(Records))]
    public void Seal_GivesTheRfcRecord(string name, string key, string iv, long sequence, short contentType, string plaintext, string record)
    {
        _ = name;
        AeadRecordProtection protection = Tls13(key, iv, encrypt: true);
        byte[] expected = Convert.FromHexString(record);
        var sealedRecord = new byte[expected.Length];

        (int length, short recordType) = protection.Seal(sequence, contentType, ProtocolVersion.TLSv12, Convert.FromHexString(plaintext), sealedRecord.AsSpan(5));

        Assert.Equal(expected.Length - 5, length);
        Assert.Equal(ContentType.application_data, recordType);
        RecordBytes.WriteHeader(sealedRecord, recordType, length);
        Assert.Equal(record, Convert.ToHexString(sealedRecord), ignoreCase: true);
    }

    [Theory]
    [MemberData(nameof(Records))]
    public void Open_GivesThePlaintextAndContentType(string name, string key, string iv, long sequence, short contentType, string plaintext, string record)
    {
        _ = name;
        AeadRecordProtection protection = Tls13(key, iv, encrypt: false);
        byte[] bytes = Convert.FromHexString(record);

        (int offset, int length, short type) = protection.Open(sequence, bytes[0], ProtocolVersion.TLSv12, bytes.AsSpan(5));

        Assert.Equal(contentType, type);
        Assert.Equal(plaintext, Convert.ToHexString(bytes, 5 + offset, length), ignoreCase: true);
    }

    [Theory]
    [MemberData(nameof(Records))]
    public void Open_RefusesAnyAlteredByte_WithBadRecordMac(string name, string key, string iv, long sequence, short contentType, string plaintext, string record)
    {
        _ = (name, contentType, plaintext);
        AeadRecordProtection protection = Tls13(key, iv, encrypt: false);
        byte[] original = Convert.FromHexString(record);

        // Every position of the fragment (ciphertext and tag), one bit each.
        for (int position = 5; position < original.Length; position++)
        {
            byte[] bytes = (byte[])original.Clone();
            bytes[position] ^= 0x01;
            TlsFatalAlert alert = Assert.Throws<TlsFatalAlert>(() => protection.Open(sequence, bytes[0], ProtocolVersion.TLSv12, bytes.AsSpan(5)));
            Assert.Equal(AlertDescription.bad_record_mac, alert.AlertDescription);
        }

        // The header is the additional data (type, version); the sequence number is in the nonce.
        AssertBadRecordMac(sequence, ContentType.handshake, ProtocolVersion.TLSv12);
        AssertBadRecordMac(sequence, ContentType.application_data, ProtocolVersion.TLSv10);
        AssertBadRecordMac(sequence + 1, ContentType.application_data, ProtocolVersion.TLSv12);

        void AssertBadRecordMac(long sequenceNumber, short recordType, ProtocolVersion version)
        {
            byte[] bytes = (byte[])original.Clone();
            TlsFatalAlert alert = Assert.Throws<TlsFatalAlert>(() => protection.Open(sequenceNumber, recordType, version, bytes.AsSpan(5)));
            Assert.Equal(AlertDescription.bad_record_mac, alert.AlertDescription);
        }
    }

    [Fact]
    public void Open_RefusesAFragmentShorterThanATag_WithDecodeError()
    {
        AeadRecordProtection protection = Tls13(ClientApplicationKey, ClientApplicationIv, encrypt: false);
        TlsFatalAlert alert = Assert.Throws<TlsFatalAlert>(() => protection.Open(0, ContentType.application_data, ProtocolVersion.TLSv12, new byte[16]));
        Assert.Equal(AlertDescription.decode_error, alert.AlertDescription);
    }

    [Fact]
    public void Open_RefusesARecordWithNoContentType_WithUnexpectedMessage()
    {
        // A well-sealed TLSInnerPlaintext that is all zero padding: RFC 8446 §5.4 says unexpected_message.
        byte[] key = Convert.FromHexString(ClientApplicationKey);
        byte[] iv = Convert.FromHexString(ClientApplicationIv);
        var sealer = new DotNetAeadCipherImpl(AeadAlgorithm.AesGcm, isEncrypting: true);
        sealer.SetKey(key);
        var fragment = new byte[4 + AeadRecordProtection.TagSize];
        byte[] header = [(byte)ContentType.application_data, 3, 3, 0, (byte)fragment.Length];
        sealer.Seal(iv, header, fragment.AsSpan(0, 4), fragment.AsSpan(4));

        AeadRecordProtection protection = Tls13(Convert.ToHexString(key), Convert.ToHexString(iv), encrypt: false);
        TlsFatalAlert alert = Assert.Throws<TlsFatalAlert>(() => protection.Open(0, ContentType.application_data, ProtocolVersion.TLSv12, fragment));
        Assert.Equal(AlertDescription.unexpected_message, alert.AlertDescription);
    }

    [Fact]
    public void Rekey_RewritesTheIvInPlace_AndTheNextRecordUsesIt()
    {
        // BouncyCastle rekeys (TLS 1.3 KeyUpdate) by setting a new key and rewriting the IV array it shares with us.
        var aead = new DotNetAeadCipherImpl(AeadAlgorithm.AesGcm, isEncrypting: true);
        aead.SetKey(Convert.FromHexString("dbfaa693d1762c5b666af5d950258d01"));
        byte[] iv = Convert.FromHexString("5bd3c71b836e0b76bb73265f");
        var protection = new AeadRecordProtection(aead, iv, isTls13: true);
        var first = new byte[100];
        protection.Seal(0, ContentType.handshake, ProtocolVersion.TLSv12, Convert.FromHexString("14000020a8ec436d677634ae525ac1fcebe11a039ec17694fac6e98527b642f2edd5ce61"), first);

        aead.SetKey(Convert.FromHexString(ClientApplicationKey));
        Convert.FromHexString(ClientApplicationIv).CopyTo(iv, 0);
        var record = new byte[5 + ApplicationData.Length + 17];
        (int length, short type) = protection.Seal(0, ContentType.application_data, ProtocolVersion.TLSv12, ApplicationData, record.AsSpan(5));
        RecordBytes.WriteHeader(record, type, length);

        Assert.Equal(ClientApplicationRecord, Convert.ToHexString(record), ignoreCase: true);
    }

    private static AeadRecordProtection Tls13(string key, string iv, bool encrypt)
    {
        var aead = new DotNetAeadCipherImpl(AeadAlgorithm.AesGcm, encrypt);
        aead.SetKey(Convert.FromHexString(key));
        return new AeadRecordProtection(aead, Convert.FromHexString(iv), isTls13: true);
    }
}
