using System.Security.Cryptography;
using Org.BouncyCastle.Tls.Crypto.Impl;

namespace TlsShutdown.Engine.Crypto;

/// <summary>
/// One direction's AEAD key over .NET's <see cref="AesGcm"/> or <see cref="ChaCha20Poly1305"/> (OpenSSL underneath
/// on Linux). BouncyCastle's <see cref="TlsAeadCipher"/> keeps the key schedule and sets keys here (at the start and
/// on every TLS 1.3 KeyUpdate); <see cref="AeadRecordProtection"/> seals and opens records in place through
/// <see cref="Seal"/> and <see cref="TryOpen"/>, with no allocation.
/// </summary>
/// <remarks>
/// Not thread-safe: the engine uses one direction from one caller at a time. The array-based members of
/// <see cref="TlsAeadCipherImpl"/> (<see cref="Init"/>, <see cref="DoFinal(byte[], byte[], int, int, byte[], int)"/>)
/// are implemented for completeness of the contract: BouncyCastle's own record code calls them only for DTLS
/// connection IDs, which TLS connections never have.
/// </remarks>
internal sealed class DotNetAeadCipherImpl : TlsAeadCipherImpl
{
    public const int TagSize = 16;

    private readonly AeadAlgorithm _algorithm;
    private readonly bool _isEncrypting;
    private AesGcm? _aesGcm;
    private ChaCha20Poly1305? _chaCha;
    private byte[]? _nonce;
    private byte[]? _initAdditionalData;

    public DotNetAeadCipherImpl(AeadAlgorithm algorithm, bool isEncrypting)
    {
        _algorithm = algorithm;
        _isEncrypting = isEncrypting;
    }

    public void SetKey(byte[] key, int keyOff, int keyLen) => SetKey(key.AsSpan(keyOff, keyLen));

    public void SetKey(ReadOnlySpan<byte> key)
    {
        // A new key replaces the old one at once: TLS 1.3 KeyUpdate rekeys a direction between two records.
        _aesGcm?.Dispose();
        _chaCha?.Dispose();
        (_aesGcm, _chaCha) = _algorithm switch
        {
            AeadAlgorithm.AesGcm => (new AesGcm(key, TagSize), (ChaCha20Poly1305?)null),
            _ => ((AesGcm?)null, new ChaCha20Poly1305(key)),
        };
    }

    /// <summary>Encrypts <paramref name="data"/> in place and writes the tag.</summary>
    public void Seal(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> additionalData, Span<byte> data, Span<byte> tag)
    {
        if (_aesGcm is not null)
        {
            _aesGcm.Encrypt(nonce, data, data, tag, additionalData);
        }
        else
        {
            Key().Encrypt(nonce, data, data, tag, additionalData);
        }
    }

    /// <summary>Decrypts <paramref name="data"/> in place; false when the tag does not authenticate it.</summary>
    public bool TryOpen(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> additionalData, Span<byte> data, ReadOnlySpan<byte> tag)
    {
        try
        {
            if (_aesGcm is not null)
            {
                _aesGcm.Decrypt(nonce, data, tag, data, additionalData);
            }
            else
            {
                Key().Decrypt(nonce, data, tag, data, additionalData);
            }

            return true;
        }
        catch (AuthenticationTagMismatchException)
        {
            return false;
        }
    }

    public void Init(byte[] nonce, int macSize, byte[] additionalData)
    {
        if (macSize != TagSize)
        {
            throw new IOException($"Only {TagSize}-byte AEAD tags are supported here, not {macSize}.");
        }

        _nonce = (byte[])nonce.Clone();
        _initAdditionalData = additionalData;
    }

    public int GetOutputSize(int inputLength) => _isEncrypting ? inputLength + TagSize : Math.Max(0, inputLength - TagSize);

    public int DoFinal(byte[] input, int inputOffset, int inputLength, byte[] output, int outputOffset) =>
        DoFinal(_initAdditionalData ?? [], input, inputOffset, inputLength, output, outputOffset);

    public int DoFinal(byte[] additionalData, byte[] input, int inputOffset, int inputLength, byte[] output, int outputOffset)
    {
        byte[] nonce = _nonce ?? throw new InvalidOperationException("Init was not called.");
        if (_isEncrypting)
        {
            Span<byte> data = output.AsSpan(outputOffset, inputLength);
            input.AsSpan(inputOffset, inputLength).CopyTo(data);
            Seal(nonce, additionalData, data, output.AsSpan(outputOffset + inputLength, TagSize));
            return inputLength + TagSize;
        }

        int plaintextLength = inputLength - TagSize;
        if (plaintextLength < 0)
        {
            throw new CryptographicException("The AEAD input is shorter than its tag.");
        }

        // The tag is copied out first: output may overlap the input's tag position.
        Span<byte> tag = stackalloc byte[TagSize];
        input.AsSpan(inputOffset + plaintextLength, TagSize).CopyTo(tag);
        Span<byte> plaintext = output.AsSpan(outputOffset, plaintextLength);
        input.AsSpan(inputOffset, plaintextLength).CopyTo(plaintext);
        if (!TryOpen(nonce, additionalData, plaintext, tag))
        {
            // Not an IOException: BouncyCastle turns any other failure of an AEAD into bad_record_mac.
            throw new CryptographicException("The AEAD tag does not authenticate the data.");
        }

        return plaintextLength;
    }

    public void Reset()
    {
    }

    private ChaCha20Poly1305 Key() => _chaCha ?? throw new InvalidOperationException("SetKey was not called.");
}
