using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto;
using Org.BouncyCastle.Tls.Crypto.Impl;

namespace TlsShutdown.Engine.Crypto;

/// <summary>
/// BouncyCastle's AEAD record cipher with the per-record work on .NET's AEADs: BouncyCastle still derives the keys
/// and IVs (TLS 1.2 key block, TLS 1.3 traffic secrets and KeyUpdate), and this class seals and opens each record
/// without allocating.
/// </summary>
/// <remarks>
/// Why a subclass and not only a <see cref="TlsAeadCipherImpl"/>: BouncyCastle's
/// <see cref="TlsAeadCipher.EncodePlaintext(long, short, ProtocolVersion, int, ReadOnlySpan{byte})"/> allocates a
/// new array for every record (plus the nonce and additional data), whatever the Impl does; only the cipher
/// decides where a record is written. Here a record is sealed into a per-thread scratch buffer
/// (<see cref="RecordScratch"/>), which is safe because BouncyCastle's record layer copies the record to its output
/// before it encodes the next one, and records are opened in place in the buffer the record layer passes in.
/// </remarks>
internal sealed class DotNetAeadCipher : TlsAeadCipher
{
    private readonly AeadRecordProtection _encrypt;
    private readonly AeadRecordProtection _decrypt;
    private readonly bool _baseForConnectionIds;
    private TlsEncodeResult? _lastEncode;
    private TlsDecodeResult? _lastDecode;

    public DotNetAeadCipher(TlsCryptoParameters cryptoParams, AeadAlgorithm algorithm, int keySize)
        : base(
            cryptoParams,
            new DotNetAeadCipherImpl(algorithm, isEncrypting: true),
            new DotNetAeadCipherImpl(algorithm, isEncrypting: false),
            keySize,
            DotNetAeadCipherImpl.TagSize,
            algorithm == AeadAlgorithm.AesGcm ? AEAD_GCM : AEAD_CHACHA20_POLY1305)
    {
        // The base constructor set the keys on the Impls and wrote the IVs; a TLS 1.3 rekey rewrites both in place.
        _encrypt = new AeadRecordProtection((DotNetAeadCipherImpl)m_encryptCipher, m_encryptNonce, m_isTlsV13);
        _decrypt = new AeadRecordProtection((DotNetAeadCipherImpl)m_decryptCipher, m_decryptNonce, m_isTlsV13);

        // DTLS connection IDs change the record layout; TLS never has them, BouncyCastle's own code handles them.
        _baseForConnectionIds = m_encryptConnectionID is { Length: > 0 } || m_decryptConnectionID is { Length: > 0 };
    }

    public override TlsEncodeResult EncodePlaintext(long seqNo, short contentType, ProtocolVersion recordVersion, int headerAllocation, ReadOnlySpan<byte> plaintext)
    {
        if (_baseForConnectionIds)
        {
            return base.EncodePlaintext(seqNo, contentType, recordVersion, headerAllocation, plaintext);
        }

        byte[] buffer = RecordScratch.Get(headerAllocation + plaintext.Length + _encrypt.Overhead);
        (int length, short recordType) = _encrypt.Seal(seqNo, contentType, recordVersion, plaintext, buffer.AsSpan(headerAllocation));
        int total = headerAllocation + length;

        // Full records of one connection are all the same size: one result object serves them all.
        TlsEncodeResult? last = _lastEncode;
        if (last is null || last.buf != buffer || last.len != total || last.recordType != recordType)
        {
            _lastEncode = last = new TlsEncodeResult(buffer, 0, total, recordType);
        }

        return last;
    }

    public override TlsDecodeResult DecodeCiphertext(long seqNo, short recordType, ProtocolVersion recordVersion, byte[] ciphertext, int ciphertextOffset, int ciphertextLength)
    {
        if (_baseForConnectionIds)
        {
            return base.DecodeCiphertext(seqNo, recordType, recordVersion, ciphertext, ciphertextOffset, ciphertextLength);
        }

        (int offset, int length, short contentType) = _decrypt.Open(seqNo, recordType, recordVersion, ciphertext.AsSpan(ciphertextOffset, ciphertextLength));
        offset += ciphertextOffset;

        TlsDecodeResult? last = _lastDecode;
        if (last is null || last.buf != ciphertext || last.off != offset || last.len != length || last.contentType != contentType)
        {
            _lastDecode = last = new TlsDecodeResult(ciphertext, offset, length, contentType);
        }

        return last;
    }
}
