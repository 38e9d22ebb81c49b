using System.Text;

namespace TlsMistakes;

/// <summary>Lines of UTF-8 text, one request or answer each.</summary>
public static class LineProtocol
{
    public static async Task WriteLineAsync(Stream stream, string line) =>
        await stream.WriteAsync(Encoding.UTF8.GetBytes(line + "\n"));

    /// <summary>The next line, or null at the end of the stream.</summary>
    public static async Task<string?> ReadLineAsync(Stream stream)
    {
        var line = new List<byte>();
        byte[] one = new byte[1];
        while (await stream.ReadAsync(one) == 1)
        {
            if (one[0] == (byte)'\n')
            {
                return Encoding.UTF8.GetString(line.ToArray());
            }

            line.Add(one[0]);
        }

        return line.Count == 0 ? null : Encoding.UTF8.GetString(line.ToArray());
    }
}
