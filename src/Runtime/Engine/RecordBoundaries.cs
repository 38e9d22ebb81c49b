namespace TlsShutdown.Engine;

/// <summary>
/// Finds where TLS records end in the bytes read from the transport (5-byte header: type, version, 16-bit
/// length), so that <see cref="TlsEngineStream"/> can hand the engine one record at a time and count the records
/// that carry no application data. Only framing is parsed here; the engine checks everything else.
/// </summary>
internal struct RecordBoundaries
{
    private const int HeaderSize = 5;

    private int _headerSeen;
    private int _length;
    private int _bodyLeft;

    /// <summary>How many of <paramref name="data"/>'s bytes reach the end of the next record (all of them when no
    /// record ends in it); <paramref name="recordEnded"/> says whether one does.</summary>
    public int Next(ReadOnlySpan<byte> data, out bool recordEnded)
    {
        int i = 0;
        while (i < data.Length)
        {
            if (_headerSeen < HeaderSize)
            {
                byte b = data[i++];
                if (_headerSeen == 3)
                {
                    _length = b << 8;
                }
                else if (_headerSeen == 4)
                {
                    _length |= b;
                }

                if (++_headerSeen == HeaderSize)
                {
                    _bodyLeft = _length;
                }
                else
                {
                    continue;
                }
            }
            else
            {
                int take = Math.Min(_bodyLeft, data.Length - i);
                i += take;
                _bodyLeft -= take;
            }

            if (_bodyLeft == 0)
            {
                _headerSeen = 0;
                recordEnded = true;
                return i;
            }
        }

        recordEnded = false;
        return i;
    }
}
