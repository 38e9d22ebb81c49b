namespace TlsShutdown.Tests.Engine.Crypto;

/// <summary>The 5-byte TLS record header, as BouncyCastle's record layer writes it in front of a sealed fragment.</summary>
internal static class RecordBytes
{
    public static void WriteHeader(byte[] record, short recordType, int fragmentLength)
    {
        record[0] = (byte)recordType;
        record[1] = 3;
        record[2] = 3;
        record[3] = (byte)(fragmentLength >> 8);
        record[4] = (byte)fragmentLength;
    }
}
