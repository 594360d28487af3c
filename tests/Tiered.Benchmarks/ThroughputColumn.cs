using System.Globalization;
using System.Text.RegularExpressions;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Tiered.Benchmarks;

/// <summary>
/// "GB/s": 10^9 bytes of object data per second, from the mean time and the parameters — k is the first number
/// of the <c>Shape</c> parameter (or the <c>Inputs</c> parameter) and the shard size is <c>ShardSize</c>.
/// </summary>
public sealed partial class ThroughputColumn : IColumn
{
    public string Id => nameof(ThroughputColumn);
    public string ColumnName => "GB/s";
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => 0;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Dimensionless;
    public string Legend => "Object data (k × shard size) processed per second, in 10^9 bytes";

    public bool IsAvailable(Summary summary) => true;
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, summary.Style);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var statistics = summary[benchmarkCase]?.ResultStatistics;
        long bytes = BytesPerOperation(benchmarkCase);
        if (statistics is null || bytes <= 0 || statistics.Mean <= 0) return "-";
        return (bytes / statistics.Mean).ToString("F2", CultureInfo.InvariantCulture); // bytes per ns = GB/s
    }

    private static long BytesPerOperation(BenchmarkCase benchmarkCase)
    {
        object? Value(string name) => benchmarkCase.Parameters.Items.FirstOrDefault(p => p.Name == name)?.Value;
        if (Value("ShardSize") is not int shardSize) return 0;
        int k = Value("Inputs") is int inputs ? inputs : 0;
        if (Value("Shape") is string shape && FirstNumber().Match(shape) is { Success: true } match)
            k = int.Parse(match.Value, CultureInfo.InvariantCulture);
        return (long)k * shardSize;
    }

    public override string ToString() => ColumnName;

    [GeneratedRegex(@"\d+")]
    private static partial Regex FirstNumber();
}
