using System.Collections.Concurrent;
using System.Security.Authentication;
using CloseProbe;
using CloseProbe.Peers;

return await ProbeProgram.RunAsync(args, Console.Out, Console.Error, CancellationToken.None).ConfigureAwait(false);

namespace CloseProbe
{
    /// <summary>The command line: options, the run, the output.</summary>
    internal static class ProbeProgram
    {
        public const string Usage = """
            CloseProbe: closes TLS connections in every common way and shows what happens.

            Usage: CloseProbe [--connect host:port] [--tls 1.2|1.3|both] [--json] [--insecure] [--no-progress]
                   CloseProbe --handshake [--tls 1.2|1.3|both] [--json]

              (no arguments)      start embedded peers on 127.0.0.1, one per behaviour real servers show,
                                  and close a connection to each with every close method
              --connect host:port probe a real server the same way (how does it answer close_notify?)
              --tls 1.2|1.3|both  TLS versions to probe (default: both)
              --json              print the results as JSON on stdout (progress stays on stderr)
              --insecure          with --connect: accept any server certificate
              --no-progress       no progress display on stderr
              --handshake         handshakes instead of closes: embedded peers that stall, answer with a fatal
                                  alert or ask to renegotiate, met with a plain handshake, TlsHandshake (SslStream)
                                  and TlsHandshake (TlsEngineStream)
            """;

        public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter progressOutput, CancellationToken cancellationToken)
        {
            ProbeOptions options;
            try
            {
                options = ProbeOptions.Parse(args);
            }
            catch (ArgumentException error)
            {
                await progressOutput.WriteLineAsync($"error: {error.Message}\n\n{Usage}").ConfigureAwait(false);
                return 2;
            }

            if (options.Help)
            {
                await output.WriteLineAsync(Usage).ConfigureAwait(false);
                return 0;
            }

            if (options.Handshake)
            {
                HandshakeReport handshakes = await HandshakeProbe.RunAsync(options.Versions, cancellationToken).ConfigureAwait(false);
                await output.WriteAsync(options.Json ? HandshakeProbe.ToJson(handshakes) + Environment.NewLine : HandshakeProbe.ToTable(handshakes)).ConfigureAwait(false);
                return 0;
            }

            var methods = Enum.GetValues<CloseMethod>()
                .Where(m => m != CloseMethod.GracefulTlsEngine || TlsEngineCase.IsAvailable)
                .ToArray();
            PeerBehavior[] peers = options.Connect is null ? Enum.GetValues<PeerBehavior>() : [PeerBehavior.AnswersCloseNotify];

            var cases = new List<ProbeCase>();
            foreach (SslProtocols tls in options.Versions)
            {
                foreach (PeerBehavior peer in peers)
                {
                    foreach (CloseMethod method in methods)
                    {
                        cases.Add(new ProbeCase(cases.Count + 1, peer, method, tls));
                    }
                }
            }

            var started = DateTimeOffset.UtcNow;
            var progress = new ProgressDisplay(progressOutput, cases.Count, options.Progress);
            IReadOnlyList<ProbeRow> rows = options.Connect is { } connect
                ? await ProbeServerAsync(cases, connect, options.Insecure, progress, cancellationToken).ConfigureAwait(false)
                : await ProbeEmbeddedAsync(cases, progress, cancellationToken).ConfigureAwait(false);
            progress.Finish();

            var report = new ProbeReport
            {
                Target = options.Connect is { } c ? $"{c.Host}:{c.Port}" : "embedded",
                StartedUtc = started,
                Rows = rows,
            };
            if (options.Json)
            {
                await output.WriteLineAsync(report.ToJson()).ConfigureAwait(false);
            }
            else
            {
                await output.WriteAsync(report.ToTable()).ConfigureAwait(false);
            }

            // 1 when no connection could be made at all (a wrong host:port, no TLS there).
            return rows.All(r => r.Outcome == "ConnectFailed") ? 1 : 0;
        }

        private static async Task<IReadOnlyList<ProbeRow>> ProbeEmbeddedAsync(List<ProbeCase> cases, ProgressDisplay progress, CancellationToken cancellationToken)
        {
            var sessions = new ConcurrentDictionary<int, PeerSession>();
            foreach (ProbeCase probe in cases)
            {
                sessions[probe.Id] = new PeerSession();
            }

            var peers = Enum.GetValues<PeerBehavior>().ToDictionary(b => b, b => new EmbeddedPeer(b, sessions));
            try
            {
                return await RunAllAsync(
                    cases,
                    probe => Prober.RunAsync(probe, new ProbeTarget("127.0.0.1", peers[probe.Peer].EndPoint.Port, Embedded: true, Insecure: false), sessions[probe.Id], cancellationToken),
                    progress,
                    cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                foreach (EmbeddedPeer peer in peers.Values)
                {
                    await peer.DisposeAsync().ConfigureAwait(false);
                }
            }
        }

        private static async Task<IReadOnlyList<ProbeRow>> ProbeServerAsync(
            List<ProbeCase> cases, (string Host, int Port) server, bool insecure, ProgressDisplay progress, CancellationToken cancellationToken)
        {
            var target = new ProbeTarget(server.Host, server.Port, Embedded: false, insecure);
            string label = $"{server.Host}:{server.Port}";

            // One connection at a time: a real server may limit connections per client.
            return await RunAllAsync(
                cases,
                async probe => await Prober.RunAsync(probe, target, session: null, cancellationToken).ConfigureAwait(false) with { Peer = label },
                progress,
                cancellationToken,
                parallelism: 1).ConfigureAwait(false);
        }

        private static async Task<IReadOnlyList<ProbeRow>> RunAllAsync(
            List<ProbeCase> cases, Func<ProbeCase, Task<ProbeRow>> run, ProgressDisplay progress, CancellationToken cancellationToken, int parallelism = 12)
        {
            // The slow probes (a peer that stops reading or never answers) start first, so the run takes about as
            // long as its slowest probe.
            var rows = new ProbeRow[cases.Count];
            var order = cases
                .Select((probe, index) => (probe, index))
                .OrderByDescending(c => c.probe.Peer is PeerBehavior.StopsReading or PeerBehavior.NeverAnswers)
                .ToList();
            await Parallel.ForEachAsync(
                order,
                new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken },
                async (c, _) =>
                {
                    progress.Started(c.probe);
                    rows[c.index] = await run(c.probe).ConfigureAwait(false);
                    progress.Completed(c.probe);
                }).ConfigureAwait(false);
            return rows;
        }
    }

    /// <summary>The parsed command line.</summary>
    internal sealed record ProbeOptions
    {
        public (string Host, int Port)? Connect { get; init; }

        public IReadOnlyList<SslProtocols> Versions { get; init; } = [SslProtocols.Tls12, SslProtocols.Tls13];

        public bool Json { get; init; }

        public bool Insecure { get; init; }

        public bool Progress { get; init; } = true;

        public bool Help { get; init; }

        public bool Handshake { get; init; }

        public static ProbeOptions Parse(string[] args)
        {
            var options = new ProbeOptions();
            for (int i = 0; i < args.Length; i++)
            {
                string value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
                options = args[i] switch
                {
                    "--json" => options with { Json = true },
                    "--insecure" => options with { Insecure = true },
                    "--no-progress" => options with { Progress = false },
                    "--handshake" => options with { Handshake = true },
                    "-h" or "--help" or "-?" => options with { Help = true },
                    "--connect" => options with { Connect = ParseEndpoint(value()) },
                    "--tls" => options with
                    {
                        Versions = value() switch
                        {
                            "1.2" => [SslProtocols.Tls12],
                            "1.3" => [SslProtocols.Tls13],
                            "both" => [SslProtocols.Tls12, SslProtocols.Tls13],
                            string other => throw new ArgumentException($"--tls: expected 1.2, 1.3 or both, not '{other}'."),
                        },
                    },
                    string other => throw new ArgumentException($"unknown argument '{other}'."),
                };
            }

            return options;
        }

        private static (string Host, int Port) ParseEndpoint(string text)
        {
            int colon = text.LastIndexOf(':');
            if (colon <= 0 || !int.TryParse(text.AsSpan(colon + 1), out int port) || port is < 1 or > 65535)
            {
                throw new ArgumentException($"--connect: expected host:port, not '{text}'.");
            }

            string host = text[..colon].Trim('[', ']');
            return (host, port);
        }
    }
}
