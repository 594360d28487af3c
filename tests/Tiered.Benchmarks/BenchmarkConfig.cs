using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;

namespace Tiered.Benchmarks;

/// <summary>The config every suite uses: allocations (MemoryDiagnoser) and a GB/s column.</summary>
public sealed class BenchmarkConfig : ManualConfig
{
    public BenchmarkConfig()
    {
        AddDiagnoser(MemoryDiagnoser.Default);
        AddColumn(new ThroughputColumn());
    }
}
