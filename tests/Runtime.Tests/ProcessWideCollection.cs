namespace TlsShutdown.Tests;

/// <summary>
/// Tests that observe the whole process (the meter, open file descriptors, unobserved task exceptions) run in
/// this collection, alone: xunit runs non-parallel collections after the parallel ones, one test at a time.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessWideCollection
{
    public const string Name = "Process-wide observations";
}
