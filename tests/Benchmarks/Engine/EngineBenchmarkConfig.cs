using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace TlsShutdown.Benchmarks.Engine;

/// <summary>
/// The clients run on CPU 0 (the benchmark process's affinity), the peer on CPU 1 (see <see cref="EngineBenchmarks.ClientCpu"/>):
/// what is measured is one core's worth of client work, with the server's work on the other core.
/// </summary>
internal sealed class EngineBenchmarkConfig : ManualConfig
{
    public EngineBenchmarkConfig()
    {
        AddJob(Job.Default
            .WithAffinity(new IntPtr(1 << EngineBenchmarks.ClientCpu))
            .WithWarmupCount(3)
            .WithIterationCount(10));
        AddColumn(StatisticColumn.Median, new PerSecondColumn());
        HideColumns(Column.Error);
    }
}

/// <summary>Shared settings of the engine benchmarks.</summary>
internal static class EngineBenchmarks
{
    public const int ClientCpu = 0;
    public const int PeerCpu = 1;
}

/// <summary>
/// Throughput from the mean: MB/s (10^6 bytes) when the benchmark declares its bytes per operation with
/// <see cref="BytesPerOperationAttribute"/>, operations per second otherwise.
/// </summary>
internal sealed class PerSecondColumn : IColumn
{
    public string Id => nameof(PerSecondColumn);

    public string ColumnName => "Per second";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Statistics;

    public int PriorityInCategory => 10;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => "MB/s (10^6 bytes) for benchmarks that move bytes, operations per second otherwise, from the mean";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, summary.Style);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        double? meanNs = summary[benchmarkCase]?.ResultStatistics?.Mean;
        if (meanNs is not > 0)
        {
            return "NA";
        }

        var bytes = (BytesPerOperationAttribute?)Attribute.GetCustomAttribute(
            benchmarkCase.Descriptor.WorkloadMethod, typeof(BytesPerOperationAttribute));
        return bytes is null
            ? $"{1e9 / meanNs.Value:N0} op/s"
            : $"{bytes.Bytes * 1e3 / meanNs.Value:N1} MB/s";
    }

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
}

/// <summary>How many bytes one operation of the benchmark moves.</summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class BytesPerOperationAttribute(int bytes) : Attribute
{
    public int Bytes { get; } = bytes;
}
