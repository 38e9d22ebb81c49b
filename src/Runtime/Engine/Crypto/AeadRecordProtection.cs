using System.Buffers.Binary;
using Org.BouncyCastle.Tls;

namespace TlsShutdown.Engine.Crypto;

/// <summary>
/// The TLS record layout of one direction's AEAD protection: the per-record nonce, the additional data, TLS 1.3's
/// inner content type, and where the explicit nonce and the tag go. Seals into and opens within the caller's
/// buffer; the nonce and the additional data live on the stack, so a record costs no allocation.
/// </summary>
/// <remarks>
/// Nonces: TLS 1.2 AES-GCM (RFC 5288) is the 4-byte fixed IV followed by an 8-byte explicit part, the sequence
/// number, sent before the ciphertext; TLS 1.2 ChaCha20-Poly1305 (RFC 7905) and every TLS 1.3 suite (RFC 8446
/// §5.3) use the 12-byte IV XOR the sequence number. Additional data: TLS 1.2 (RFC 5246 §6.2.3.3) is
/// seq_num + type + version + plaintext length; TLS 1.3 (RFC 8446 §5.2) is the record header.
/// </remarks>
internal sealed class AeadRecordProtection
{
    public const int TagSize = DotNetAeadCipherImpl.TagSize;
    private const int NonceSize = 12;
    private const int ExplicitNonceSize = 8;

    private readonly DotNetAeadCipherImpl _aead;
    private readonly byte[] _fixedIv;
    private readonly bool _isTls13;
    private readonly int _explicitNonceLength;

    /// <param name="aead">The direction's key.</param>
    /// <param name="fixedIv">The direction's IV: 4 bytes with an explicit nonce (TLS 1.2 AES-GCM), else 12. Read
    /// on every record, so that a rekey that rewrites it in place takes effect at once.</param>
    /// <param name="isTls13">TLS 1.3 record format: opaque type application_data, inner content type.</param>
    public AeadRecordProtection(DotNetAeadCipherImpl aead, byte[] fixedIv, bool isTls13)
    {
        if (fixedIv.Length is not (NonceSize - ExplicitNonceSize) and not NonceSize)
        {
            throw new ArgumentException("The fixed IV is 4 or 12 bytes.", nameof(fixedIv));
        }

        _aead = aead;
        _fixedIv = fixedIv;
        _isTls13 = isTls13;
        _explicitNonceLength = fixedIv.Length == NonceSize ? 0 : ExplicitNonceSize;
    }

    /// <summary>The bytes a record's fragment adds to its plaintext.</summary>
    public int Overhead => _explicitNonceLength + TagSize + (_isTls13 ? 1 : 0);

    /// <summary>Seals one record's plaintext into <paramref name="fragment"/> (the record without its 5-byte
    /// header), which must hold <c>plaintext.Length + Overhead</c> bytes.</summary>
    /// <returns>The fragment's length and the record type to put in its header.</returns>
    public (int Length, short RecordType) Seal(long sequenceNumber, short contentType, ProtocolVersion recordVersion, ReadOnlySpan<byte> plaintext, Span<byte> fragment)
    {
        int innerLength = plaintext.Length + (_isTls13 ? 1 : 0);
        int fragmentLength = _explicitNonceLength + innerLength + TagSize;
        short recordType = _isTls13 ? ContentType.application_data : contentType;

        Span<byte> nonce = stackalloc byte[NonceSize];
        WriteNonce(nonce, sequenceNumber);
        nonce[^_explicitNonceLength..].CopyTo(fragment);

        Span<byte> data = fragment.Slice(_explicitNonceLength, innerLength);
        plaintext.CopyTo(data);
        if (_isTls13)
        {
            data[^1] = (byte)contentType;
        }

        Span<byte> additionalData = stackalloc byte[13];
        additionalData = WriteAdditionalData(additionalData, sequenceNumber, recordType, recordVersion, fragmentLength, plaintext.Length);
        _aead.Seal(nonce, additionalData, data, fragment.Slice(_explicitNonceLength + innerLength, TagSize));
        return (fragmentLength, recordType);
    }

    /// <summary>Opens one record's <paramref name="fragment"/> in place.</summary>
    /// <returns>Where the plaintext lies within <paramref name="fragment"/>, and its content type.</returns>
    /// <exception cref="TlsFatalAlert">decode_error for a fragment too short to be a record, bad_record_mac when
    /// the tag does not authenticate it, unexpected_message for a TLS 1.3 record with no content type.</exception>
    public (int Offset, int Length, short ContentType) Open(long sequenceNumber, short recordType, ProtocolVersion recordVersion, Span<byte> fragment)
    {
        if (fragment.Length < Overhead)
        {
            throw new TlsFatalAlert(AlertDescription.decode_error);
        }

        Span<byte> nonce = stackalloc byte[NonceSize];
        if (_explicitNonceLength == 0)
        {
            WriteNonce(nonce, sequenceNumber);
        }
        else
        {
            _fixedIv.CopyTo(nonce);
            fragment[.._explicitNonceLength].CopyTo(nonce[_fixedIv.Length..]);
        }

        int dataLength = fragment.Length - _explicitNonceLength - TagSize;
        Span<byte> data = fragment.Slice(_explicitNonceLength, dataLength);
        Span<byte> additionalData = stackalloc byte[13];
        additionalData = WriteAdditionalData(additionalData, sequenceNumber, recordType, recordVersion, fragment.Length, dataLength);
        if (!_aead.TryOpen(nonce, additionalData, data, fragment[^TagSize..]))
        {
            throw new TlsFatalAlert(AlertDescription.bad_record_mac);
        }

        if (!_isTls13)
        {
            return (_explicitNonceLength, dataLength, recordType);
        }

        // TLSInnerPlaintext: content, then the content type, then zero padding (RFC 8446 §5.4).
        int typeAt = data.LastIndexOfAnyExcept((byte)0);
        if (typeAt < 0)
        {
            throw new TlsFatalAlert(AlertDescription.unexpected_message);
        }

        return (_explicitNonceLength, typeAt, data[typeAt]);
    }

    private void WriteNonce(Span<byte> nonce, long sequenceNumber)
    {
        _fixedIv.CopyTo(nonce);
        if (_explicitNonceLength != 0)
        {
            // RFC 5288 §3: the explicit part MAY be the sequence number, which makes it unique per key.
            BinaryPrimitives.WriteInt64BigEndian(nonce[_fixedIv.Length..], sequenceNumber);
            return;
        }

        Span<byte> tail = nonce[(NonceSize - 8)..];
        BinaryPrimitives.WriteInt64BigEndian(tail, BinaryPrimitives.ReadInt64BigEndian(tail) ^ sequenceNumber);
    }

    private Span<byte> WriteAdditionalData(Span<byte> buffer, long sequenceNumber, short recordType, ProtocolVersion version, int fragmentLength, int plaintextLength)
    {
        if (_isTls13)
        {
            buffer[0] = (byte)recordType;
            buffer[1] = (byte)version.MajorVersion;
            buffer[2] = (byte)version.MinorVersion;
            BinaryPrimitives.WriteUInt16BigEndian(buffer[3..], (ushort)fragmentLength);
            return buffer[..5];
        }

        BinaryPrimitives.WriteInt64BigEndian(buffer, sequenceNumber);
        buffer[8] = (byte)recordType;
        buffer[9] = (byte)version.MajorVersion;
        buffer[10] = (byte)version.MinorVersion;
        BinaryPrimitives.WriteUInt16BigEndian(buffer[11..], (ushort)plaintextLength);
        return buffer[..13];
    }
}
