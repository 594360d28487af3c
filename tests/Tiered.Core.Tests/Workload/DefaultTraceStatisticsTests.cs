using Tiered.Workload;
using Xunit;

namespace Tiered.Core.Tests.Workload;

/// <summary>The default trace (default options, seed 2017) against each registry statistic of DESIGN §1.</summary>
public class DefaultTraceStatisticsTests(DefaultTrace trace) : IClassFixture<DefaultTrace>
{
    private WorkloadStatistics Stats => trace.Statistics;

    [Fact]
    public void More_than_20_percent_of_objects_are_over_10_MiB()
    {
        Assert.Equal(4_000, Stats.DistinctObjects);
        Assert.True(Stats.LargeObjectCountShare > 0.20, $"large share by count {Stats.LargeObjectCountShare:P2}");
    }

    [Fact]
    public void Objects_over_10_MiB_hold_about_95_percent_of_the_footprint()
    {
        Assert.InRange(Stats.LargeObjectFootprintShare, 0.92, 0.98);
    }

    [Fact]
    public void At_least_30_percent_of_large_objects_are_accessed_10_or_more_times()
    {
        Assert.True(Stats.LargeObjectsAccessedTenPlusShare >= 0.30, $"10+ share {Stats.LargeObjectsAccessedTenPlusShare:P2}");
    }

    [Fact]
    public void Between_35_and_45_percent_of_large_objects_are_reused_within_an_hour()
    {
        Assert.Equal(TimeSpan.FromHours(1), Stats.ReuseWindow);
        Assert.InRange(Stats.LargeObjectsReusedWithinWindowShare, 0.35, 0.45);
    }

    [Fact]
    public void Sizes_span_nine_orders_of_magnitude_from_1_byte_to_256_MiB()
    {
        Assert.Equal(1, Stats.MinObjectBytes);
        Assert.Equal(256L * 1024 * 1024, Stats.MaxObjectBytes);
        Assert.True(Stats.SizeDecadesSpanned >= 9, $"decades {Stats.SizeDecadesSpanned}");
        Assert.True(Stats.SizeOrdersOfMagnitude > 8.4, $"log10(max/min) {Stats.SizeOrdersOfMagnitude}");
    }

    [Fact]
    public void Popularity_is_Zipf_like_with_the_configured_exponent()
    {
        Assert.InRange(Stats.ZipfExponentEstimate, 0.8, 1.2);
        Assert.True(Stats.TopOnePercentAccessShare > 0.30, $"top 1 % of keys take {Stats.TopOnePercentAccessShare:P1} of accesses");
    }

    [Fact]
    public void Requests_are_time_ordered_within_the_duration_and_the_configured_count()
    {
        Assert.Equal(100_000, trace.Requests.Count);
        Assert.Equal(100_000, Stats.RequestCount);
        for (int i = 1; i < trace.Requests.Count; i++) Assert.True(trace.Requests[i - 1].At <= trace.Requests[i].At);
        Assert.True(trace.Requests[0].At >= TimeSpan.Zero);
        Assert.True(trace.Requests[^1].At < TimeSpan.FromHours(1));
    }

    [Fact]
    public void The_first_access_to_a_key_is_a_put_and_later_ones_are_gets_of_the_same_size()
    {
        var sizes = new Dictionary<string, long>();
        foreach (WorkloadRequest r in trace.Requests)
        {
            if (sizes.TryGetValue(r.Key, out long size))
            {
                Assert.Equal(WorkloadOp.Get, r.Op);
                Assert.Equal(size, r.Size);
            }
            else
            {
                Assert.Equal(WorkloadOp.Put, r.Op);
                sizes.Add(r.Key, r.Size);
            }
        }
        Assert.Equal(4_000, Stats.Puts);
        Assert.Equal(0, Stats.Deletes);
    }

    [Fact]
    public void The_population_matches_the_trace()
    {
        IReadOnlyList<WorkloadObject> objects = trace.Generator.Objects;
        Assert.Equal(Stats.FootprintBytes, trace.Generator.FootprintBytes);
        Assert.Equal(trace.Requests.Count, objects.Sum(o => o.Accesses));
        Assert.Equal(WorkloadOptions.Default.ReusedObjectCount, objects.Count(o => o.IsReused));
        Assert.All(objects.Where(o => !o.IsReused), o => Assert.Equal(1, o.Accesses));
        Assert.Equal(objects.Count, objects.Select(o => o.Key).Distinct().Count());
    }
}
