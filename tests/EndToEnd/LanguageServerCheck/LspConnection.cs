using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

/// <summary>A language client's end of JSON-RPC 2.0 over LSP's base protocol (each message a
/// <c>Content-Length</c> header, a blank line and that many bytes of JSON): requests with a bounded wait for the
/// response, notifications, and answers to the requests the server sends the client.</summary>
internal sealed class LspConnection : IAsyncDisposable
{
    // A bound on one message, so that a misbehaving server cannot make us buffer without limit.
    private const int MaxMessageBytes = 16 * 1024 * 1024;
    private const int MaxLoggedMessages = 200;

    private readonly Stream _fromServer;
    private readonly Stream _toServer;
    private readonly Func<string, JsonElement, JsonNode?> _answerServerRequest;
    private readonly ConcurrentDictionary<long, TaskCompletionSource<JsonElement>> _pending = new();
    private readonly ConcurrentQueue<string> _log = new();
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly byte[] _buffer = new byte[64 * 1024];
    private readonly Task _reading;
    private int _bufferStart;
    private int _bufferEnd;
    private long _lastId;

    /// <param name="fromServer">The server's standard output.</param>
    /// <param name="toServer">The server's standard input.</param>
    /// <param name="answerServerRequest">The result to send for a request from the server (method, params).</param>
    public LspConnection(Stream fromServer, Stream toServer, Func<string, JsonElement, JsonNode?> answerServerRequest)
    {
        _fromServer = fromServer;
        _toServer = toServer;
        _answerServerRequest = answerServerRequest;
        _reading = Task.Run(() => ReadLoopAsync(_stop.Token));
    }

    /// <summary>The latest notifications and requests the server sent (method and a prefix of the params), for
    /// the report when something fails.</summary>
    public IEnumerable<string> Log => _log;

    public async Task<JsonElement> RequestAsync(string method, object? parameters, TimeSpan timeout, CancellationToken cancellationToken)
    {
        long id = Interlocked.Increment(ref _lastId);
        var response = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = response;
        try
        {
            await WriteAsync(new JsonObject { ["jsonrpc"] = "2.0", ["id"] = id, ["method"] = method, ["params"] = ToNode(parameters) }, cancellationToken);
            return await response.Task.WaitAsync(timeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"no response to {method} within {timeout.TotalSeconds:0} s");
        }
        finally
        {
            _pending.TryRemove(id, out _);
        }
    }

    public Task NotifyAsync(string method, object? parameters, CancellationToken cancellationToken) =>
        WriteAsync(new JsonObject { ["jsonrpc"] = "2.0", ["method"] = method, ["params"] = ToNode(parameters) }, cancellationToken);

    /// <summary>Stops reading. Kill the server first: its closed output ends a read in progress.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _reading.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (TimeoutException)
        {
            // A read the pipe does not let us cancel; the process exit ends it.
        }

        _stop.Dispose();
        _writeLock.Dispose();
    }

    private static JsonNode? ToNode(object? value) => value as JsonNode ?? JsonSerializer.SerializeToNode(value);

    private async Task WriteAsync(JsonObject message, CancellationToken cancellationToken)
    {
        byte[] body = Encoding.UTF8.GetBytes(message.ToJsonString());
        byte[] header = Encoding.ASCII.GetBytes($"Content-Length: {body.Length}\r\n\r\n");
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            await _toServer.WriteAsync(header, cancellationToken);
            await _toServer.WriteAsync(body, cancellationToken);
            await _toServer.FlushAsync(cancellationToken);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private async Task ReadLoopAsync(CancellationToken cancellationToken)
    {
        Exception ended = new EndOfStreamException("the language server closed its output");
        try
        {
            while (await ReadMessageAsync(cancellationToken) is { } body)
            {
                await DispatchAsync(body, cancellationToken);
            }
        }
        catch (Exception e)
        {
            // Whatever ends the loop (a closed pipe, bad framing, bad JSON) fails every request still waiting.
            ended = e;
        }

        foreach (TaskCompletionSource<JsonElement> waiting in _pending.Values)
        {
            waiting.TrySetException(ended);
        }
    }

    private async Task DispatchAsync(byte[] body, CancellationToken cancellationToken)
    {
        using JsonDocument document = JsonDocument.Parse(body);
        JsonElement message = document.RootElement;
        bool hasId = message.TryGetProperty("id", out JsonElement id);
        if (message.TryGetProperty("method", out JsonElement method))
        {
            JsonElement parameters = message.TryGetProperty("params", out JsonElement p) ? p.Clone() : default;
            Remember($"{method.GetString()} {(parameters.ValueKind == JsonValueKind.Undefined ? "" : Prefix(parameters.GetRawText()))}");
            if (hasId)
            {
                JsonNode? result = _answerServerRequest(method.GetString()!, parameters);
                await WriteAsync(new JsonObject { ["jsonrpc"] = "2.0", ["id"] = JsonNode.Parse(id.GetRawText()), ["result"] = result }, cancellationToken);
            }

            return;
        }

        if (hasId && id.ValueKind == JsonValueKind.Number && _pending.TryGetValue(id.GetInt64(), out TaskCompletionSource<JsonElement>? response))
        {
            if (message.TryGetProperty("error", out JsonElement error))
            {
                response.TrySetException(new InvalidOperationException("the language server answered with an error: " + error.GetRawText()));
            }
            else
            {
                response.TrySetResult(message.TryGetProperty("result", out JsonElement result) ? result.Clone() : default);
            }
        }
    }

    private void Remember(string entry)
    {
        _log.Enqueue(entry);
        while (_log.Count > MaxLoggedMessages)
        {
            _log.TryDequeue(out _);
        }
    }

    private static string Prefix(string text) => text.Length <= 300 ? text : text[..300] + "…";

    /// <summary>One message's body, or null at the end of the stream.</summary>
    private async Task<byte[]?> ReadMessageAsync(CancellationToken cancellationToken)
    {
        int? length = null;
        while (true)
        {
            string? line = await ReadHeaderLineAsync(cancellationToken);
            if (line is null)
            {
                return null;
            }

            if (line.Length == 0)
            {
                break;
            }

            int colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && line[..colon].Trim().Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                length = int.Parse(line[(colon + 1)..].Trim(), NumberStyles.None, CultureInfo.InvariantCulture);
            }
        }

        if (length is not int size || size > MaxMessageBytes)
        {
            throw new InvalidDataException($"a message with no usable Content-Length ({length?.ToString(CultureInfo.InvariantCulture) ?? "none"})");
        }

        byte[] body = new byte[size];
        int buffered = Math.Min(size, _bufferEnd - _bufferStart);
        Array.Copy(_buffer, _bufferStart, body, 0, buffered);
        _bufferStart += buffered;
        await _fromServer.ReadExactlyAsync(body.AsMemory(buffered), cancellationToken);
        return body;
    }

    /// <summary>A header line without its CR LF; null at the end of the stream.</summary>
    private async Task<string?> ReadHeaderLineAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            int newline = Array.IndexOf(_buffer, (byte)'\n', _bufferStart, _bufferEnd - _bufferStart);
            if (newline >= 0)
            {
                string line = Encoding.ASCII.GetString(_buffer, _bufferStart, newline - _bufferStart).TrimEnd('\r');
                _bufferStart = newline + 1;
                return line;
            }

            if (_bufferStart > 0)
            {
                Array.Copy(_buffer, _bufferStart, _buffer, 0, _bufferEnd - _bufferStart);
                _bufferEnd -= _bufferStart;
                _bufferStart = 0;
            }

            if (_bufferEnd == _buffer.Length)
            {
                throw new InvalidDataException("a header line longer than the read buffer");
            }

            int read = await _fromServer.ReadAsync(_buffer.AsMemory(_bufferEnd), cancellationToken);
            if (read == 0)
            {
                return null;
            }

            _bufferEnd += read;
        }
    }
}
