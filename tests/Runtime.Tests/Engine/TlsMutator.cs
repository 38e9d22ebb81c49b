namespace TlsShutdown.Tests.Engine;

/// <summary>
/// Seeded mutations of a captured stream of TLS records: bit flips, byte changes, truncation, insertion,
/// deletion, and record-aware ones (record and handshake length fields, content types, dropped or repeated
/// records, 16-bit vector lengths inside messages). Each mutation is described, so that a failing case can be
/// reproduced from its description and seed.
/// </summary>
internal static class TlsMutator
{
    private const int HeaderSize = 5;

    private static readonly int[] InterestingRecordLengths = [0, 1, 0x3FFF, 0x4000, 0x4001, 0x4100, 0x4800, 0x4801, 0x8000, 0xFFFF];
    private static readonly int[] InterestingHandshakeLengths = [0, 1, 0x3FFF, 0x4000, 0xFFFF, 0x10000, 0xFFFFFF];
    private static readonly byte[] ContentTypes = [0, 20, 21, 22, 23, 24, 255];

    /// <summary>Applies one to three mutations to a copy of <paramref name="original"/>.</summary>
    public static (byte[] Data, string Description) Mutate(byte[] original, Random random)
    {
        byte[] data = original;
        var description = new List<string>();
        int count = 1 + random.Next(3);
        for (int i = 0; i < count; i++)
        {
            data = MutateOnce(data, random, description);
        }

        return (data, string.Join("; ", description));
    }

    /// <summary>The records of <paramref name="data"/> as far as their headers can be followed: offset and whole size.</summary>
    public static List<(int Offset, int Size)> Records(byte[] data)
    {
        var records = new List<(int, int)>();
        int offset = 0;
        while (offset + HeaderSize <= data.Length)
        {
            int size = HeaderSize + ((data[offset + 3] << 8) | data[offset + 4]);
            records.Add((offset, Math.Min(size, data.Length - offset)));
            offset += size;
        }

        return records;
    }

    private static byte[] MutateOnce(byte[] data, Random random, List<string> description)
    {
        if (data.Length == 0)
        {
            byte[] inserted = RandomBytes(random, 1 + random.Next(64));
            description.Add($"replace empty input with {inserted.Length} random bytes");
            return inserted;
        }

        List<(int Offset, int Size)> records = Records(data);
        (int Offset, int Size) record = records.Count > 0 ? records[random.Next(records.Count)] : (0, data.Length);
        byte[] copy = (byte[])data.Clone();
        switch (random.Next(11))
        {
            case 0:
            {
                int position = random.Next(data.Length);
                int bit = random.Next(8);
                copy[position] ^= (byte)(1 << bit);
                description.Add($"flip bit {bit} at {position}");
                return copy;
            }

            case 1:
            {
                int position = random.Next(data.Length);
                copy[position] = (byte)random.Next(256);
                description.Add($"set byte {position} to {copy[position]:X2}");
                return copy;
            }

            case 2:
            {
                int length = random.Next(data.Length);
                description.Add($"truncate to {length}");
                return data[..length];
            }

            case 3:
            {
                int position = random.Next(data.Length + 1);
                byte[] inserted = RandomBytes(random, 1 + random.Next(64));
                description.Add($"insert {inserted.Length} random bytes at {position}");
                return [.. data[..position], .. inserted, .. data[position..]];
            }

            case 4:
            {
                int position = random.Next(data.Length);
                int length = 1 + random.Next(Math.Min(64, data.Length - position));
                description.Add($"delete {length} bytes at {position}");
                return [.. data[..position], .. data[(position + length)..]];
            }

            case 5 when record.Size >= HeaderSize:
            {
                int body = record.Size - HeaderSize;
                int length = random.Next(4) switch
                {
                    0 => Math.Max(0, body - 1 - random.Next(4)),
                    1 => Math.Min(0xFFFF, body + 1 + random.Next(4)),
                    2 => random.Next(0x10000),
                    _ => InterestingRecordLengths[random.Next(InterestingRecordLengths.Length)],
                };
                copy[record.Offset + 3] = (byte)(length >> 8);
                copy[record.Offset + 4] = (byte)length;
                description.Add($"record at {record.Offset}: length {body} -> {length}");
                return copy;
            }

            case 6 when record.Size >= HeaderSize + 4 && data[record.Offset] == 22:
            {
                // The first handshake message of a plaintext handshake record: its 24-bit length.
                int length = random.Next(2) == 0
                    ? InterestingHandshakeLengths[random.Next(InterestingHandshakeLengths.Length)]
                    : random.Next(0x1000000);
                copy[record.Offset + 6] = (byte)(length >> 16);
                copy[record.Offset + 7] = (byte)(length >> 8);
                copy[record.Offset + 8] = (byte)length;
                description.Add($"handshake message at {record.Offset + HeaderSize}: length -> {length}");
                return copy;
            }

            case 7 when record.Size >= HeaderSize:
            {
                byte type = ContentTypes[random.Next(ContentTypes.Length)];
                copy[record.Offset] = type;
                description.Add($"record at {record.Offset}: content type {data[record.Offset]} -> {type}");
                return copy;
            }

            case 8 when records.Count > 0:
            {
                byte[] whole = data[record.Offset..(record.Offset + record.Size)];
                if (random.Next(2) == 0)
                {
                    description.Add($"drop record at {record.Offset}");
                    return [.. data[..record.Offset], .. data[(record.Offset + record.Size)..]];
                }

                description.Add($"repeat record at {record.Offset}");
                return [.. data[..(record.Offset + record.Size)], .. whole, .. data[(record.Offset + record.Size)..]];
            }

            case 9 when data.Length >= 2:
            {
                // A 16-bit vector or extension length somewhere inside a message.
                int position = random.Next(data.Length - 1);
                int value = random.Next(3) switch
                {
                    0 => 0xFFFF,
                    1 => 0,
                    _ => random.Next(0x10000),
                };
                copy[position] = (byte)(value >> 8);
                copy[position + 1] = (byte)value;
                description.Add($"set 16 bits at {position} to {value:X4}");
                return copy;
            }

            case 10 when records.Count > 1:
            {
                int other = random.Next(records.Count);
                (int Offset, int Size) first = records[Math.Min(other, records.IndexOf(record))];
                (int Offset, int Size) second = records[Math.Max(other, records.IndexOf(record))];
                if (first == second)
                {
                    goto default;
                }

                description.Add($"swap records at {first.Offset} and {second.Offset}");
                return
                [
                    .. data[..first.Offset],
                    .. data[second.Offset..(second.Offset + second.Size)],
                    .. data[(first.Offset + first.Size)..second.Offset],
                    .. data[first.Offset..(first.Offset + first.Size)],
                    .. data[(second.Offset + second.Size)..],
                ];
            }

            default:
            {
                int position = random.Next(data.Length);
                copy[position] ^= 0xFF;
                description.Add($"invert byte {position}");
                return copy;
            }
        }
    }

    private static byte[] RandomBytes(Random random, int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }
}
