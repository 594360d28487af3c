using Tiered.Cost;
using Tiered.Functions;
using Xunit;

namespace Tiered.Core.Tests.Cost;

public class CostReportTests
{
    private const long GiB = 1024L * 1024 * 1024;
    private static readonly CacheNodePricing R5 = CacheNodePricing.ElastiCacheR5_24XLarge;

    private static CostUsage Usage(long serve, long warmUp, long backup, double gbSeconds) => new(
    [
        new(InvocationKind.Serve, new InvocationUsage(serve, TimeSpan.Zero, gbSeconds)),
        new(InvocationKind.WarmUp, new InvocationUsage(warmUp, TimeSpan.Zero, 0)),
        new(InvocationKind.Backup, new InvocationUsage(backup, TimeSpan.Zero, 0)),
    ]);

    [Fact]
    public void Paper_check_50_hours_of_cache_r5_24xlarge_cost_518_40()
    {
        Assert.Equal(518.40m, R5.CostFor(TimeSpan.FromHours(50), nodes: 1));
        Assert.Equal(10.368m, R5.PricePerHour);
    }

    [Fact]
    public void Paper_check_the_Lambda_side_is_GB_seconds_plus_invocations()
    {
        // 900,000 GB-s and 3 million invocations (serve + warm-up + backup) over 50 h, one 600 GB node on the other side.
        var report = CostReport.Compute(Usage(1_000_000, 1_500_000, 500_000, 900_000), TimeSpan.FromHours(50), 600 * GiB, PriceTable.Aws);

        Assert.Equal(3_000_000, report.Invocations);
        Assert.Equal(900_000 * 0.0000166667m, report.ComputeCost);          // $15.00003
        Assert.Equal(0.60m, report.InvocationCost);                          // 3 × $0.20
        Assert.Equal(15.60003m, report.TotalCost);
        Assert.Equal(15.60003m / 50, report.CostPerHour);
        Assert.Equal(1, report.CacheNodes);
        Assert.Equal(518.40m, report.CacheNodeCost);
        Assert.Equal(10.368m, report.CacheNodeCostPerHour);
        Assert.Equal((double)(518.40m / 15.60003m), report.CostRatio!.Value, 9); // ≈ 33.2×
    }

    [Fact]
    public void Serving_warm_up_and_backup_are_priced_separately_and_add_up_to_the_total()
    {
        var usage = new CostUsage(
        [
            new(InvocationKind.Serve, new InvocationUsage(1_000, TimeSpan.FromSeconds(60_000), 90_000)),
            new(InvocationKind.WarmUp, new InvocationUsage(1_440_000, TimeSpan.FromSeconds(1_440), 2_160)),
            new(InvocationKind.Backup, new InvocationUsage(288, TimeSpan.FromSeconds(576), 864)),
        ]);
        var report = CostReport.Compute(usage, TimeSpan.FromHours(24), GiB, PriceTable.Aws);

        var warmUp = report.CostOf(InvocationKind.WarmUp);
        Assert.Equal(InvocationKind.WarmUp, warmUp.Kind);
        Assert.Equal(1_440_000, warmUp.Usage.Invocations);
        Assert.Equal(2_160 * 0.0000166667m, warmUp.ComputeCost);
        Assert.Equal(0.288m, warmUp.InvocationCost);                         // 1.44 M × $0.20/M
        Assert.Equal(warmUp.ComputeCost + warmUp.InvocationCost, warmUp.TotalCost);
        Assert.Equal(864 * 0.0000166667m + 288 * 0.20m / 1_000_000m, report.CostOf(InvocationKind.Backup).TotalCost);

        Assert.Equal([InvocationKind.Serve, InvocationKind.WarmUp, InvocationKind.Backup], report.ByKind.Select(k => k.Kind));
        Assert.Equal(report.ComputeCost, report.ByKind.Sum(k => k.ComputeCost));
        Assert.Equal(report.InvocationCost, report.ByKind.Sum(k => k.InvocationCost));
        Assert.Equal(report.TotalCost, report.ByKind.Sum(k => k.TotalCost));
        Assert.Contains("WarmUp:    1,440,000 invocations, billed 1,440.000 s, 2,160.000 GB-s, $0.324000", report.ToText());
    }

    [Fact]
    public void The_papers_large_object_totals_give_a_31x_ratio()
    {
        // DESIGN §1: $518.4 vs $16.51 over 50 h. Usage that costs $16.51 exactly: 55,050 invocations ($0.01101) and 990,000 GB-s.
        var usage = Usage(55_050, 0, 0, 990_000);
        var report = CostReport.Compute(usage, TimeSpan.FromHours(50), 0, PriceTable.Aws);
        Assert.Equal(990_000 * 0.0000166667m + 0.01101m, report.TotalCost);
        Assert.Equal(16.51m, decimal.Round(report.TotalCost, 2));
        Assert.InRange(report.CostRatio!.Value, 31.3, 31.5); // the low end of the paper's 31–96×
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 1)]
    [InlineData(600 * GiB, 1)]
    [InlineData(600 * GiB + 1, 2)]
    [InlineData(1536 * GiB, 3)]
    public void Cache_nodes_are_the_ceiling_of_the_footprint_over_node_memory_at_least_one(long bytes, int nodes)
    {
        Assert.Equal(nodes, R5.NodesFor(bytes));
    }

    [Fact]
    public void Node_cost_scales_with_node_count_and_pro_rata_time()
    {
        var report = CostReport.Compute(Usage(1_000_000, 0, 0, 0), TimeSpan.FromMinutes(30), 1200 * GiB + 1, PriceTable.Aws);
        Assert.Equal(3, report.CacheNodes);
        Assert.Equal(3 * 10.368m / 2, report.CacheNodeCost);
        Assert.Equal(3 * 10.368m, report.CacheNodeCostPerHour);
        Assert.Equal(0.20m, report.TotalCost);
        Assert.Equal(0.40m, report.CostPerHour);
        Assert.Equal((double)(15.552m / 0.20m), report.CostRatio!.Value, 9);
    }

    [Fact]
    public void Custom_node_types_and_prices_are_used()
    {
        var node = new CacheNodePricing("cache.r6g.large", 0.206m, 13L * GiB);
        var prices = new PriceTable(FunctionPricing.AwsLambda, node);
        var report = CostReport.Compute(CostUsage.None, TimeSpan.FromHours(2), 30 * GiB, prices);
        Assert.Equal(3, report.CacheNodes);
        Assert.Equal(3 * 0.206m * 2, report.CacheNodeCost);
        Assert.Null(report.CostRatio); // the tier cost nothing
        Assert.Contains("n/a", report.ToText());
    }

    [Fact]
    public void The_text_report_shows_every_input()
    {
        var report = CostReport.Compute(Usage(1_000, 60, 7, 12.5), TimeSpan.FromHours(1), 2 * GiB, PriceTable.Aws);
        string text = report.ToText();
        Assert.Contains("0.0000166667", text);
        Assert.Contains("cache.r5.24xlarge", text);
        Assert.Contains("10.368", text);
        Assert.Contains("2,147,483,648", text);
        Assert.Contains("Serve:", text);
        Assert.Contains("WarmUp:", text);
        Assert.Contains("Backup:", text);
        Assert.Contains("Ratio:", text);
    }

    [Fact]
    public void Bad_inputs_are_refused_with_their_names()
    {
        var error = Assert.Throws<ArgumentException>(() => CostReport.Compute(CostUsage.None, TimeSpan.Zero, 0, PriceTable.Aws));
        Assert.Equal("elapsed", error.ParamName);
        error = Assert.Throws<ArgumentException>(() => CostReport.Compute(CostUsage.None, TimeSpan.FromHours(1), -1, PriceTable.Aws));
        Assert.Equal("cacheBytes", error.ParamName);
        Assert.Throws<ArgumentException>(() => new CostUsage([new(InvocationKind.Serve, new InvocationUsage(-1, TimeSpan.Zero, 0))]));
        Assert.Throws<ArgumentException>(() => new CostUsage([new(InvocationKind.Serve, new InvocationUsage(1, TimeSpan.Zero, double.NaN))]));
    }
}
