using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Hosting;
using Tiered.Client;
using Tiered.Proxy;
using Xunit;

namespace Tiered.Hosting.Tests;

/// <summary>The proxy's meter comes from the host's IMeterFactory; the health check reports the running tier.</summary>
public sealed class ObservabilityTests
{
    [Fact]
    public async Task Metrics_after_a_put_get_miss_sequence_are_observed_through_the_hosts_meter_factory()
    {
        using var host = TestHosts.FromJson(TestHosts.SmallTierJson);
        var meters = host.Services.GetRequiredService<IMeterFactory>();
        using var hits = new MetricCollector<long>(meters, ProxyMetrics.MeterName, "tiered.proxy.hits");
        using var misses = new MetricCollector<long>(meters, ProxyMetrics.MeterName, "tiered.proxy.misses");
        using var bytesIn = new MetricCollector<long>(meters, ProxyMetrics.MeterName, "tiered.proxy.bytes_in");
        using var bytesOut = new MetricCollector<long>(meters, ProxyMetrics.MeterName, "tiered.proxy.bytes_out");
        using var getDuration = new MetricCollector<double>(meters, ProxyMetrics.MeterName, "tiered.proxy.get.duration");
        using var putDuration = new MetricCollector<double>(meters, ProxyMetrics.MeterName, "tiered.proxy.put.duration");
        await host.StartAsync(TestHosts.Timeout());
        try
        {
            var tier = host.Services.GetRequiredService<ITier>();
            var value = TestHosts.RandomBytes(1 << 20, 3);
            await tier.PutAsync("m", value, TestHosts.Timeout());
            using (var got = await tier.GetAsync("m", TestHosts.Timeout())) Assert.Equal(value, got!.ToArray());
            Assert.Null(await tier.GetAsync("nothing-here", TestHosts.Timeout()));

            // The proxy counts a hit after relaying its last chunk, which may be just after the client has the object.
            await hits.WaitForMeasurementsAsync(1, TestHosts.Timeout(30));
            await getDuration.WaitForMeasurementsAsync(2, TestHosts.Timeout(30));
            var entry = host.Runtime().Proxy.Lookup("m")!;
            long shard = entry.ShardLength;
            Assert.Equal(1, hits.GetMeasurementSnapshot().EvaluateAsCounter());
            Assert.Equal(1, misses.GetMeasurementSnapshot().EvaluateAsCounter());
            Assert.Equal(6 * shard, bytesIn.GetMeasurementSnapshot().EvaluateAsCounter());
            Assert.Equal(4 * shard, bytesOut.GetMeasurementSnapshot().EvaluateAsCounter());
            Assert.True(4 * shard >= value.Length);
            var gets = getDuration.GetMeasurementSnapshot();
            Assert.Equal(2, gets.Count);
            Assert.Single(gets, m => Equals(m.Tags["outcome"], "hit"));
            Assert.Single(gets, m => Equals(m.Tags["outcome"], "miss"));
            Assert.All(gets, m => Assert.True(m.Value >= 0));
            Assert.Single(putDuration.GetMeasurementSnapshot());
        }
        finally
        {
            await host.StopAsync(TestHosts.Timeout());
        }
    }

    [Fact]
    public async Task Health_check_is_healthy_while_running_with_node_and_pool_data_and_unhealthy_after_stop()
    {
        using var host = TestHosts.FromJson(TestHosts.SmallTierJson);
        var health = host.Services.GetRequiredService<HealthCheckService>();
        var before = await health.CheckHealthAsync(TestHosts.Timeout());
        Assert.Equal(HealthStatus.Unhealthy, before.Status);

        await host.StartAsync(TestHosts.Timeout());
        await host.Services.GetRequiredService<ITier>().PutAsync("h", TestHosts.RandomBytes(100_000, 4), TestHosts.Timeout());
        var report = await health.CheckHealthAsync(TestHosts.Timeout());
        Assert.Equal(HealthStatus.Healthy, report.Status);
        var entry = report.Entries[TieredHealthCheck.Name];
        Assert.Equal(8, entry.Data["nodes"]);
        Assert.InRange((int)entry.Data["nodes_connected"], 6, 8);
        Assert.Equal(1, entry.Data["objects"]);
        Assert.True((long)entry.Data["stored_bytes"] >= 100_000);
        Assert.Equal((long)(64L * 1024 * 1024 * 0.8) * 8, entry.Data["pool_capacity_bytes"]);
        Assert.Equal(host.Runtime().ClientEndPoint.ToString(), entry.Data["client_endpoint"]);
        Assert.Contains("Listening for clients on 127.0.0.1:", entry.Description);

        await host.StopAsync(TestHosts.Timeout());
        var after = await health.CheckHealthAsync(TestHosts.Timeout());
        Assert.Equal(HealthStatus.Unhealthy, after.Status);
        Assert.Contains("stopped", after.Entries[TieredHealthCheck.Name].Description);
    }
}
