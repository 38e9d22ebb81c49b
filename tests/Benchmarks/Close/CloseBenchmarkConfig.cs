using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;

namespace TlsShutdown.Benchmarks.Close;

/// <summary>One close per invocation, as many invocations per iteration as connections were opened for it.</summary>
internal sealed class CloseBenchmarkConfig : ManualConfig
{
    public CloseBenchmarkConfig()
    {
        AddJob(Job.Default
            .WithInvocationCount(CloseBenchmarks.ConnectionsPerIteration)
            .WithUnrollFactor(1)
            .WithWarmupCount(3)
            .WithIterationCount(15));
        AddColumn(StatisticColumn.Median, StatisticColumn.P95);
        HideColumns(Column.Error, Column.StdDev);
    }
}
