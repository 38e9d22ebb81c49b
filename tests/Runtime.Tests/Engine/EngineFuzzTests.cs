using System.Diagnostics;
using System.Net.Security;
using System.Security.Authentication;
using TlsShutdown.Tests.Infrastructure;
using Xunit.Abstractions;

namespace TlsShutdown.Tests.Engine;

/// <summary>
/// Seeded fuzzing of <see cref="TlsEngineStream"/>'s input, TLS 1.2 and 1.3. Real TLS on both sides, over memory
/// instead of sockets so that thousands of cases run in seconds: (a) a real server's handshake bytes, captured
/// once and mutated, replayed to fresh clients in random chunks; (b) a real server's application records (and
/// close_notify), mutated between a real handshake and the client's reads. Every case must end with the
/// documented exception (or success), promptly, in bounded memory, and never hand out wrong data.
/// </summary>
public sealed class EngineFuzzTests(ITestOutputHelper output)
{
    private const int Seed = 20261123;
    private const int HandshakeCases = 1500;
    private const int RecordCases = 400;
    private const int LiveHandshakeCases = 250;

    // Generous: the cases take milliseconds; only a hang or a runaway loop reaches these.
    private static readonly TimeSpan CaseBound = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan TestBound = TimeSpan.FromSeconds(60);
    private const long CaseAllocationBound = 64L * 1024 * 1024;

    [Theory]
    [MemberData(nameof(ZooData.Protocols), MemberType = typeof(ZooData))]
    public async Task MutatedServerHandshake_EndsInAuthenticationExceptionOrIOException(SslProtocols protocol)
    {
        byte[] flight = await CaptureServerHandshakeAsync(protocol);
        Assert.Equal(22, flight[0]);
        var random = new Random(Seed + (int)protocol);
        var outcomes = new SortedDictionary<string, int>();
        var clock = Stopwatch.StartNew();

        for (int i = 0; i < HandshakeCases; i++)
        {
            (byte[] input, string mutation) = TlsMutator.Mutate(flight, random);
            int chunkSeed = random.Next();
            string what = $"case {i} (seed {Seed}, chunks {chunkSeed}): {mutation}";
            await using var client = new TlsEngineStream(new ReplayTransport(input, new Random(chunkSeed)));
            long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            var caseClock = Stopwatch.StartNew();

            // The transport answers at once, so the whole handshake normally completes inside this call.
            Exception? error = await Record.ExceptionAsync(
                () => client.AuthenticateAsClientAsync(TestTls.ClientOptions(protocol)).WaitAsync(CaseBound));

            Assert.True(caseClock.Elapsed < CaseBound, $"{what}: took {caseClock.Elapsed}.");
            Assert.True(
                error is null or AuthenticationException || error.GetType() == typeof(IOException),
                $"{what}: {error}");
            long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
            Assert.True(allocated < CaseAllocationBound, $"{what}: allocated {allocated} bytes.");
            Count(outcomes, error);
        }

        Report(outcomes, clock.Elapsed);
        Assert.True(clock.Elapsed < TestBound, $"{HandshakeCases} cases took {clock.Elapsed}.");

        // A malformed certificate is the peer's error: never an internal_error caused by the certificate checks.
        Assert.DoesNotContain(outcomes.Keys, k => k.Contains("internal_error [", StringComparison.Ordinal) && !k.EndsWith("[TlsFatalAlert]", StringComparison.Ordinal));

        // The fuzzer reached both kinds of end: refusals and input that ran out.
        Assert.Contains(outcomes.Keys, k => k.StartsWith(nameof(AuthenticationException), StringComparison.Ordinal));
        Assert.Contains(outcomes.Keys, k => k.StartsWith(nameof(IOException), StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(ZooData.Protocols), MemberType = typeof(ZooData))]
    public async Task MutatedApplicationRecords_GiveTheDataOrAPrefixThenIOException(SslProtocols protocol)
    {
        var random = new Random((Seed * 7) + (int)protocol);
        var outcomes = new SortedDictionary<string, int>();
        var clock = Stopwatch.StartNew();

        for (int i = 0; i < RecordCases; i++)
        {
            (InMemoryDuplexStream clientEnd, InMemoryDuplexStream serverEnd) = InMemoryDuplexStream.CreatePair();
            await using var client = new TlsEngineStream(clientEnd);
            await using var server = new SslStream(serverEnd);
            using (var timeout = new CancellationTokenSource(CaseBound))
            {
                await Task.WhenAll(
                    client.AuthenticateAsClientAsync(TestTls.ClientOptions(protocol), timeout.Token),
                    server.AuthenticateAsServerAsync(TestTls.ServerOptions(protocol), timeout.Token));
            }

            // The server's records after the handshake, held back from the client.
            var payload = new byte[1 + random.Next(40_000)];
            random.NextBytes(payload);
            bool closeNotify = random.Next(2) == 0;
            serverEnd.Recording = new MemoryStream();
            serverEnd.Divert = true;
            await server.WriteAsync(payload);
            if (closeNotify)
            {
                await server.ShutdownAsync();
            }

            byte[] records = serverEnd.Recording.ToArray();
            serverEnd.Divert = false;
            serverEnd.Recording = null;

            // One case in ten goes through unchanged: the exact outcome is known.
            bool intact = random.Next(10) == 0;
            (byte[] input, string mutation) = intact ? (records, "none") : TlsMutator.Mutate(records, random);
            bool sync = random.Next(2) == 0;
            string what = $"case {i} (seed {Seed}, {payload.Length} bytes, close_notify {closeNotify}, sync {sync}): {mutation}";
            await serverEnd.WriteRawAsync(input);
            serverEnd.CompleteWrites();

            (byte[] received, Exception? end) = await ReadToEndAsync(client, sync, what);

            Assert.True(received.AsSpan().SequenceEqual(payload.AsSpan(0, Math.Min(received.Length, payload.Length))) && received.Length <= payload.Length, $"{what}: wrong data.");
            if (end is null)
            {
                Assert.True(received.Length == payload.Length && closeNotify, $"{what}: a read returned 0 after {received.Length} bytes.");
                Assert.True(client.CloseNotifyReceived, what);
            }
            else
            {
                Assert.True(end is IOException, $"{what}: {end}");
                Assert.DoesNotContain("Org.BouncyCastle", end.GetType().FullName, StringComparison.Ordinal);
            }

            if (intact)
            {
                Assert.Equal(payload.Length, received.Length);
                if (closeNotify)
                {
                    Assert.Null(end);
                }
                else
                {
                    Assert.IsType<TlsTruncationException>(end);
                }
            }

            Count(outcomes, end);
        }

        Report(outcomes, clock.Elapsed);
        Assert.True(clock.Elapsed < TestBound, $"{RecordCases} cases took {clock.Elapsed}.");
        Assert.Contains(outcomes.Keys, k => k.StartsWith(nameof(IOException), StringComparison.Ordinal));
        Assert.Contains(outcomes.Keys, k => k.StartsWith(nameof(TlsTruncationException), StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(SslProtocols.Tls12, true)]
    [InlineData(SslProtocols.Tls13, true)]
    [InlineData(SslProtocols.Tls12, false)]
    [InlineData(SslProtocols.Tls13, false)]
    public async Task LiveHandshakeWithOneFlightMutated_EndsInAuthenticationExceptionOrIOExceptionOrSuccess(SslProtocols protocol, bool mutateServer)
    {
        var random = new Random((Seed * 13) + (int)protocol + (mutateServer ? 1 : 0));
        var outcomes = new SortedDictionary<string, int>();
        var clock = Stopwatch.StartNew();

        for (int i = 0; i < LiveHandshakeCases; i++)
        {
            (InMemoryDuplexStream clientEnd, InMemoryDuplexStream serverEnd) = InMemoryDuplexStream.CreatePair();
            await using var client = new TlsEngineStream(clientEnd);
            await using var server = new SslStream(serverEnd);
            string mutation = "none";
            bool mutated = false;

            // The first flight of one side (the server's ServerHello..., or the client's ClientHello) is mutated on
            // the way; everything else passes. The rest of the handshake stays consistent, so the client gets further.
            (mutateServer ? serverEnd : clientEnd).Transform = data =>
            {
                if (mutated)
                {
                    return data;
                }

                mutated = true;
                (byte[] changed, mutation) = TlsMutator.Mutate(data, random);
                return changed;
            };

            // A truncated flight or a longer length leaves both sides waiting for each other, as it would over TCP:
            // then the man in the middle gives up and closes the server's end, and the client must end promptly.
            var stuck = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Action check = () =>
            {
                if (clientEnd.IsWaitingForInput && serverEnd.IsWaitingForInput)
                {
                    stuck.TrySetResult();
                }
            };
            clientEnd.WaitingForInput += check;
            serverEnd.WaitingForInput += check;

            using var timeout = new CancellationTokenSource(CaseBound);
            Task serverHandshake = server.AuthenticateAsServerAsync(TestTls.ServerOptions(protocol), timeout.Token);

            // A side that fails closes its end, as an application would: the other side then reads its end.
            _ = serverHandshake.ContinueWith(_ => serverEnd.Dispose(), CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            Task clientHandshake = client.AuthenticateAsClientAsync(TestTls.ClientOptions(protocol), timeout.Token);
            bool gaveUp = await Task.WhenAny(clientHandshake, stuck.Task) != clientHandshake;
            if (gaveUp)
            {
                serverEnd.Dispose();
            }

            Exception? error = await Record.ExceptionAsync(() => clientHandshake);

            // The case is decided: the client's end closes, so a server still waiting (say, for the rest of a record
            // the mutation cut short, after the client finished) ends too.
            clientEnd.Dispose();

            string what = $"case {i} (seed {Seed}, {(mutateServer ? "server" : "client")} flight): {mutation}";
            Assert.False(timeout.IsCancellationRequested, $"{what}: the handshake hung.");
            Assert.True(
                error is null or AuthenticationException || error.GetType() == typeof(IOException),
                $"{what}: {error}");
            await serverHandshake.ContinueWith(static t => _ = t.Exception, TaskScheduler.Default).WaitAsync(CaseBound);
            Count(outcomes, error, gaveUp ? " (stuck, closed)" : string.Empty);
        }

        Report(outcomes, clock.Elapsed);
        Assert.True(clock.Elapsed < TestBound, $"{LiveHandshakeCases} cases took {clock.Elapsed}.");
        Assert.Contains(outcomes.Keys, k => k.StartsWith(nameof(AuthenticationException), StringComparison.Ordinal));
        Assert.DoesNotContain(outcomes.Keys, k => k.Contains("internal_error [", StringComparison.Ordinal) && !k.EndsWith("[TlsFatalAlert]", StringComparison.Ordinal));
    }

    /// <summary>Everything a real server sends during a whole handshake with a real client, over memory.</summary>
    private static async Task<byte[]> CaptureServerHandshakeAsync(SslProtocols protocol)
    {
        (InMemoryDuplexStream clientEnd, InMemoryDuplexStream serverEnd) = InMemoryDuplexStream.CreatePair();
        serverEnd.Recording = new MemoryStream();
        await using var client = new TlsEngineStream(clientEnd);
        await using var server = new SslStream(serverEnd);
        using var timeout = new CancellationTokenSource(EngineTls.HandshakeTimeout);
        await Task.WhenAll(
            client.AuthenticateAsClientAsync(TestTls.ClientOptions(protocol), timeout.Token),
            server.AuthenticateAsServerAsync(TestTls.ServerOptions(protocol), timeout.Token));
        return serverEnd.Recording.ToArray();
    }

    /// <summary>Reads until 0 or an exception, with a random buffer size per read; sync reads never block here:
    /// all input is there and ends.</summary>
    private static async Task<(byte[] Data, Exception? End)> ReadToEndAsync(TlsEngineStream client, bool sync, string what)
    {
        using var received = new MemoryStream();
        using var timeout = new CancellationTokenSource(CaseBound);
        var buffer = new byte[20_000];
        try
        {
            while (true)
            {
                int read = sync
                    ? client.Read(buffer, 0, buffer.Length)
                    : await client.ReadAsync(buffer, timeout.Token);
                if (read == 0)
                {
                    return (received.ToArray(), null);
                }

                received.Write(buffer, 0, read);
                Assert.True(received.Length <= 1_000_000, $"{what}: endless data.");
            }
        }
        catch (Exception error) when (error is not Xunit.Sdk.XunitException)
        {
            Assert.False(timeout.IsCancellationRequested, $"{what}: a read hung.");
            return (received.ToArray(), error);
        }
    }

    private static void Count(SortedDictionary<string, int> outcomes, Exception? error, string note = "")
    {
        Exception? innermost = error;
        while (innermost?.InnerException is not null)
        {
            innermost = innermost.InnerException;
        }

        string key = error is null
            ? "success"
            : $"{error.GetType().Name}: {Shorten(error.Message)}{(innermost == error ? string.Empty : $" [{innermost!.GetType().Name}]")}";
        key += note;
        outcomes[key] = outcomes.GetValueOrDefault(key) + 1;
    }

    private static string Shorten(string message)
    {
        // Keep the kind of failure (the alert), not the numbers that vary per case.
        int cut = message.IndexOf('(', StringComparison.Ordinal);
        return cut > 0 ? message[..cut].TrimEnd() : message;
    }

    private void Report(SortedDictionary<string, int> outcomes, TimeSpan elapsed)
    {
        output.WriteLine($"{outcomes.Values.Sum()} cases in {elapsed.TotalSeconds:0.0} s");
        foreach ((string outcome, int count) in outcomes)
        {
            output.WriteLine($"{count,6}  {outcome}");
        }
    }

    /// <summary>A transport that hands out fixed input in random chunks, then ends; what is written is dropped.
    /// Every call completes synchronously.</summary>
    /// <remarks>A TLS 1.3 client checks that the ServerHello echoes the random legacy_session_id of its ClientHello
    /// (RFC 8446 §4.1.3); a replayed ServerHello echoes another client's. When the input still starts with a
    /// ServerHello, the client's session id is copied in, so that the client goes on to parse the rest.</remarks>
    private sealed class ReplayTransport(byte[] input, Random chunks) : NonSeekableStream
    {
        // Record header (5), handshake header (4), version (2), random (32): then the session id's length and bytes.
        private const int SessionIdLength = 5 + 4 + 2 + 32;

        private int _position;
        private bool _written;

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            int remaining = input.Length - _position;
            if (remaining == 0 || buffer.IsEmpty)
            {
                return 0;
            }

            // Half the reads take all there is, the others a random piece: record boundaries fall anywhere.
            int count = Math.Min(buffer.Length, chunks.Next(2) == 0 ? remaining : 1 + chunks.Next(remaining));
            input.AsSpan(_position, count).CopyTo(buffer);
            _position += count;
            return count;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Task.FromResult(Read(buffer.AsSpan(offset, count)));

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Read(buffer.Span));

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            if (!_written)
            {
                _written = true;
                EchoSessionId(buffer);
            }
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            Write(buffer.AsSpan(offset, count));
            return Task.CompletedTask;
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Write(buffer.Span);
            return ValueTask.CompletedTask;
        }

        public override void Flush()
        {
        }

        private void EchoSessionId(ReadOnlySpan<byte> clientHello)
        {
            const int end = SessionIdLength + 1 + 32;
            if (clientHello.Length >= end && clientHello[0] == 22 && clientHello[5] == 1 && clientHello[SessionIdLength] == 32
                && input.Length >= end && input[0] == 22 && input[5] == 2 && input[SessionIdLength] == 32)
            {
                clientHello[(SessionIdLength + 1)..end].CopyTo(input.AsSpan(SessionIdLength + 1));
            }
        }
    }
}
