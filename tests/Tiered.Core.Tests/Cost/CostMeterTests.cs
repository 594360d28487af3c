using Tiered.Cost;
using Tiered.Functions;
using Xunit;

namespace Tiered.Core.Tests.Cost;

public class CostMeterTests
{
    private const long MiB = 1024 * 1024;

    [Fact]
    public void Invocations_are_billed_and_counted_by_kind()
    {
        var meter = new CostMeter(FunctionPricing.AwsLambda, new ManualTimeProvider());
        Assert.Equal(TimeSpan.FromMilliseconds(2), meter.Record(InvocationKind.Serve, TimeSpan.FromMilliseconds(1.2), 1536 * MiB));
        meter.Record(InvocationKind.Serve, TimeSpan.FromMilliseconds(998.5), 1536 * MiB);
        meter.Record(InvocationKind.WarmUp, TimeSpan.FromMilliseconds(0.3), 1536 * MiB);
        meter.Record(InvocationKind.Backup, TimeSpan.FromSeconds(2), 1024 * MiB);

        CostUsage usage = meter.Snapshot();
        Assert.Equal(2, usage[InvocationKind.Serve].Invocations);
        Assert.Equal(TimeSpan.FromMilliseconds(1001), usage[InvocationKind.Serve].BilledDuration);
        Assert.Equal(1.5015, usage[InvocationKind.Serve].GbSeconds, 12);
        Assert.Equal(new InvocationUsage(1, TimeSpan.FromMilliseconds(1), 0.0015), usage[InvocationKind.WarmUp] with { GbSeconds = Math.Round(usage[InvocationKind.WarmUp].GbSeconds, 12) });
        Assert.Equal(2.0, usage[InvocationKind.Backup].GbSeconds, 12);
        Assert.Equal(4, usage.Total.Invocations);
        Assert.Equal(3.503, usage.Total.GbSeconds, 12);
    }

    [Fact]
    public void A_platform_result_is_recorded_under_its_invocations_kind_and_rebilled_by_the_meters_pricing()
    {
        var meter = new CostMeter(FunctionPricing.AwsLambda, new ManualTimeProvider());
        var invocation = new FunctionInvocation("node-3", ReadOnlyMemory<byte>.Empty, InvocationKind.WarmUp);
        var result = new InvocationResult("node-3", "i-1", ColdStart: false, TimeSpan.FromMilliseconds(4.1), TimeSpan.FromMilliseconds(100), 1536 * MiB, ReadOnlyMemory<byte>.Empty, Error: "boom");

        Assert.Equal(TimeSpan.FromMilliseconds(5), meter.Record(invocation, result));
        Assert.Equal(1, meter.Snapshot()[InvocationKind.WarmUp].Invocations);
        Assert.Equal(0, meter.Snapshot()[InvocationKind.Serve].Invocations);
    }

    [Fact]
    public void Concurrent_recording_loses_nothing()
    {
        var meter = new CostMeter(FunctionPricing.AwsLambda, new ManualTimeProvider());
        const int threads = 8, each = 20_000;
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
        {
            var kind = (InvocationKind)(t % 3);
            for (int i = 0; i < each; i++)
            {
                meter.Record(kind, TimeSpan.FromMilliseconds(1), 1024 * MiB);
                meter.ObserveCacheFootprint(t * each + i);
            }
        });

        CostUsage usage = meter.Snapshot();
        Assert.Equal(threads * each, usage.Total.Invocations);
        Assert.Equal(TimeSpan.FromMilliseconds(threads * each), usage.Total.BilledDuration);
        Assert.Equal(threads * each * 0.001, usage.Total.GbSeconds, 6);
        Assert.Equal(3 * each, usage[InvocationKind.Serve].Invocations); // threads 0, 3, 6
        Assert.Equal(threads * each - 1, meter.PeakCacheFootprintBytes);
    }

    [Fact]
    public void The_report_uses_the_meters_clock_and_peak_footprint_unless_told_otherwise()
    {
        var clock = new ManualTimeProvider();
        var meter = new CostMeter(FunctionPricing.AwsLambda, clock);
        meter.Record(InvocationKind.Serve, TimeSpan.FromSeconds(10), 1536 * MiB); // 15 GB-s
        meter.ObserveCacheFootprint(700L * 1024 * MiB);
        meter.ObserveCacheFootprint(100);
        clock.Advance(TimeSpan.FromMinutes(30));

        CostReport report = meter.Report(CacheNodePricing.ElastiCacheR5_24XLarge);
        Assert.Equal(TimeSpan.FromMinutes(30), report.Elapsed);
        Assert.Equal(700L * 1024 * MiB, report.CacheBytes);
        Assert.Equal(2, report.CacheNodes);
        Assert.Equal(10.368m, report.CacheNodeCost);
        Assert.Equal(15 * 0.0000166667m + 0.0000002m, report.TotalCost);

        CostReport explicitReport = meter.Report(CacheNodePricing.ElastiCacheR5_24XLarge, TimeSpan.FromHours(2), cacheBytes: 0);
        Assert.Equal(1, explicitReport.CacheNodes);
        Assert.Equal(2 * 10.368m, explicitReport.CacheNodeCost);
    }
}
