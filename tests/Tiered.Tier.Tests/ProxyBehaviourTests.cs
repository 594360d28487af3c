using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Tiered.Functions;
using Tiered.Proxy;
using Xunit;

namespace Tiered.Tier.Tests;

/// <summary>Warm-up invocations, node idle returns, and the proxy's metrics instruments.</summary>
public class ProxyBehaviourTests
{
    [Fact]
    public async Task IdleNodesAreWarmedUpAndKeepTheirChunks()
    {
        await using var tier = TierHarness.Start(nodeIdleTimeout: TimeSpan.FromMilliseconds(200), warmUpInterval: TimeSpan.FromMilliseconds(400));
        var value = TierHarness.RandomBytes(100_000, 4);
        await tier.Client.PutAsync("k", value);
        var holder = tier.Proxy.Lookup("k")!.Nodes[0];
        string instanceBefore = tier.Platform.GetFunction(holder).Instances.Single().InstanceId;

        await FailureTests.Eventually(() => tier.Proxy.Counters["invocations_warmup"] >= tier.Platform.Functions.Count,
            "every node to be warmed up at least once");
        await FailureTests.Eventually(() => tier.Platform.GetUsage().InvocationsByKind[InvocationKind.WarmUp] >= tier.Platform.Functions.Count,
            "the platform to have run the warm-up invocations");
        Assert.True(tier.Platform.GetUsage().BilledGbSecondsByKind[InvocationKind.WarmUp] > 0);
        Assert.Equal(instanceBefore, tier.Platform.GetFunction(holder).Instances.Single().InstanceId);
        using var read = await tier.Client.GetAsync("k");
        Assert.Equal(value, read!.ToArray());
    }

    [Fact]
    public async Task IdleNodesReturnAndAreInvokedAgainOnDemand()
    {
        await using var tier = TierHarness.Start(nodeIdleTimeout: TimeSpan.FromMilliseconds(100));
        var value = TierHarness.RandomBytes(50_000, 8);
        await tier.Client.PutAsync("k", value);
        await FailureTests.Eventually(() => tier.Proxy.ConnectedNodes.Count == 0, "every node to return after going idle");
        long serveBefore = tier.Proxy.Counters["invocations_serve"];

        using var read = await tier.Client.GetAsync("k");
        Assert.Equal(value, read!.ToArray());
        Assert.True(tier.Proxy.Counters["invocations_serve"] >= serveBefore + 10, "a GET after the nodes returned must invoke them again");
    }

    [Fact]
    public async Task MetricsCountHitsMissesBytesAndLatency()
    {
        await using var tier = TierHarness.Start();
        using var hits = new MetricCollector<long>(tier.Proxy.Metrics.Meter, "tiered.proxy.hits");
        using var misses = new MetricCollector<long>(tier.Proxy.Metrics.Meter, "tiered.proxy.misses");
        using var bytesIn = new MetricCollector<long>(tier.Proxy.Metrics.Meter, "tiered.proxy.bytes_in");
        using var invocations = new MetricCollector<long>(tier.Proxy.Metrics.Meter, "tiered.proxy.invocations");
        using var getDuration = new MetricCollector<double>(tier.Proxy.Metrics.Meter, "tiered.proxy.get.duration");

        await tier.Client.PutAsync("k", new byte[10_000]);
        (await tier.Client.GetAsync("k"))!.Dispose();
        Assert.Null(await tier.Client.GetAsync("absent"));

        // The client has its object after k chunks; the proxy counts the hit once the rest of the chunks are in (first-d).
        await FailureTests.Eventually(() => hits.GetMeasurementSnapshot().EvaluateAsCounter() == 1, "the hit to be counted");
        Assert.Equal(1, hits.GetMeasurementSnapshot().EvaluateAsCounter());
        Assert.Equal(1, misses.GetMeasurementSnapshot().EvaluateAsCounter());
        Assert.Equal(12 * tier.Client.Codec.ShardSize(10_000), bytesIn.GetMeasurementSnapshot().EvaluateAsCounter());
        Assert.All(invocations.GetMeasurementSnapshot(), m => Assert.Equal("serve", m.Tags["kind"]));
        Assert.Equal(2, getDuration.GetMeasurementSnapshot().Count);
    }

    [Fact]
    public async Task StopLetsARequestInFlightFinishThenRefusesNewOnes()
    {
        await using var tier = TierHarness.Start();
        var value = TierHarness.RandomBytes(10 << 20, 12);
        await tier.Client.PutAsync("k", value);
        var get = tier.Client.GetAsync("k").AsTask();
        await FailureTests.Eventually(() => tier.Proxy.InFlightRequests > 0 || get.IsCompleted, "the GET to be in flight");
        await tier.Proxy.StopAsync(TimeSpan.FromSeconds(30));
        using (var read = await get) Assert.True(value.AsSpan().SequenceEqual(read!.Span));

        await using var late = TierHarness.NewClient(tier.Proxy, tier.Client.Codec);
        await Assert.ThrowsAnyAsync<Exception>(async () => await late.GetAsync("k"));
    }
}
