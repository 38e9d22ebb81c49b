using System.Security.Authentication;
using System.Reflection;
using BenchmarkDotNet.Running;
using TlsShutdown.Benchmarks.Peers;
using TlsShutdown.Benchmarks.Idle;
using TlsShutdown.Benchmarks.Storm;

// dotnet run -c Release --project tests/Benchmarks -- [BenchmarkDotNet arguments]   the benchmarks
//   e.g. --filter '*CloseBenchmarks*', '*BulkWriteBenchmarks*' (TlsEngineStream throughput), '*HandshakeBenchmarks*'
// dotnet run -c Release --project tests/Benchmarks -- storm [closes] [Tls12|Tls13] the shutdown storm
// dotnet run -c Release --project tests/Benchmarks -- idle [connections] [Tls12|Tls13] managed memory per idle connection
// (internal) peer <Cooperative|Silent|Sink>                                        a peer process
if (args is ["peer", var kind])
{
    await PeerServer.RunAsync(Enum.Parse<PeerKind>(kind));
    return 0;
}

Environment.SetEnvironmentVariable(PeerProcess.HostVariable, Assembly.GetEntryAssembly()!.Location);

if (args is ["storm", ..])
{
    return await ShutdownStorm.RunAsync(
        args.Length > 1 ? int.Parse(args[1]) : 10_000,
        args.Length > 2 ? Enum.Parse<SslProtocols>(args[2]) : SslProtocols.Tls13);
}

if (args is ["idle", ..])
{
    return await IdleConnections.RunAsync(
        args.Length > 1 ? int.Parse(args[1]) : 1_000,
        args.Length > 2 ? Enum.Parse<SslProtocols>(args[2]) : SslProtocols.Tls13);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
