using Tiered.Workload;
using Xunit;

namespace Tiered.Core.Tests.Workload;

public class WorkloadShapeTests
{
    [Fact]
    public void Scaling_sizes_down_keeps_the_shares_and_shrinks_the_span_by_the_scale()
    {
        var options = WorkloadOptions.Default with { SizeScale = 1.0 / 1024 };
        var stats = WorkloadStatistics.Compute(WorkloadGenerator.Generate(options), options);

        Assert.Equal(10L * 1024, stats.LargeObjectThresholdBytes);
        Assert.Equal(256L * 1024, stats.MaxObjectBytes);
        Assert.Equal(1, stats.MinObjectBytes);
        Assert.Equal(6, stats.SizeDecadesSpanned); // 10^0 … 10^5: three decades fewer than unscaled
        Assert.InRange(stats.SizeOrdersOfMagnitude, 5.4, 5.5);
        Assert.True(stats.LargeObjectCountShare > 0.20);
        Assert.InRange(stats.LargeObjectFootprintShare, 0.92, 0.98);
        Assert.True(stats.LargeObjectsAccessedTenPlusShare >= 0.30);
        Assert.InRange(stats.LargeObjectsReusedWithinWindowShare, 0.35, 0.45);
    }

    [Fact]
    public void A_1_GiB_maximum_spans_nine_orders_of_magnitude_as_a_ratio()
    {
        var options = WorkloadOptions.Default with { MaxObjectBytes = 1L << 30 };
        var stats = WorkloadStatistics.Compute(new WorkloadGenerator(options).Requests(), options);
        Assert.True(stats.SizeOrdersOfMagnitude >= 9, $"log10(max/min) {stats.SizeOrdersOfMagnitude}");
        Assert.InRange(stats.LargeObjectFootprintShare, 0.92, 0.98);
    }

    [Fact]
    public void Over_a_day_the_reuse_window_keeps_reuse_within_an_hour()
    {
        var options = WorkloadOptions.Default with { Duration = TimeSpan.FromHours(24), RequestCount = 200_000 };
        var requests = WorkloadGenerator.Generate(options);
        var stats = WorkloadStatistics.Compute(requests, options);

        Assert.True(stats.Span > TimeSpan.FromHours(23));
        Assert.InRange(stats.LargeObjectsReusedWithinWindowShare, 0.35, 0.45);
        Assert.True(stats.LargeObjectsAccessedTenPlusShare >= 0.30);
        Assert.True(requests[^1].At < TimeSpan.FromHours(24));
    }

    [Fact]
    public void Updates_and_deletes_appear_at_their_rates_and_a_delete_is_followed_by_a_put()
    {
        var options = WorkloadOptions.Default with { UpdateFraction = 0.02, DeleteFraction = 0.01 };
        var requests = WorkloadGenerator.Generate(options);
        var stats = WorkloadStatistics.Compute(requests, options);
        long later = stats.RequestCount - options.ObjectCount; // accesses after the first of each key

        Assert.InRange(stats.Deletes, (long)(later * 0.007), (long)(later * 0.013));
        long updates = stats.Puts - options.ObjectCount - RefillCount(requests);
        Assert.InRange(updates, (long)(later * 0.015), (long)(later * 0.025));

        var present = new HashSet<string>();
        foreach (WorkloadRequest r in requests)
        {
            switch (r.Op)
            {
                case WorkloadOp.Put: present.Add(r.Key); break;
                case WorkloadOp.Get: Assert.Contains(r.Key, present); break;
                case WorkloadOp.Delete: Assert.True(present.Remove(r.Key), $"DELETE of absent {r.Key}"); break;
            }
        }
    }

    [Fact]
    public void A_request_rate_sets_the_request_count_over_the_duration()
    {
        var options = WorkloadOptions.Default.WithRequestRate(50);
        Assert.Equal(180_000, options.RequestCount);
        Assert.Equal(50, options.RequestsPerSecond, 6);
    }

    [Fact]
    public void Statistics_of_an_empty_trace_are_zero()
    {
        var stats = WorkloadStatistics.Compute([]);
        Assert.Equal(0, stats.RequestCount);
        Assert.Equal(0, stats.DistinctObjects);
        Assert.Equal(0, stats.SizeDecadesSpanned);
        Assert.Equal(0, stats.LargeObjectFootprintShare);
    }

    private static long RefillCount(IReadOnlyList<WorkloadRequest> requests)
    {
        var deleted = new HashSet<string>();
        long refills = 0;
        foreach (WorkloadRequest r in requests)
        {
            if (r.Op == WorkloadOp.Delete) deleted.Add(r.Key);
            else if (r.Op == WorkloadOp.Put && deleted.Remove(r.Key)) refills++;
        }
        return refills;
    }
}
