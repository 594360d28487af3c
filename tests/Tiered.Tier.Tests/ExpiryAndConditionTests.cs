using Microsoft.Extensions.Time.Testing;
using Tiered.Client;
using Tiered.Protocol;
using Xunit;

namespace Tiered.Tier.Tests;

/// <summary>Time to live, EXPIRE, HEAD and conditional puts (NX/XX), with the proxy on a fake clock.</summary>
public class ExpiryAndConditionTests
{
    [Fact]
    public async Task ObjectWithATimeToLiveIsServedUntilItExpires()
    {
        var clock = new FakeTimeProvider();
        await using var tier = TierHarness.Start(proxyTime: clock);
        await tier.Client.PutAsync("k", new byte[] { 1, 2, 3 }, new TierPutOptions(TimeSpan.FromSeconds(10)));

        var info = await tier.Client.HeadAsync("k");
        Assert.Equal(TimeSpan.FromSeconds(10), info!.TimeToLive);
        clock.Advance(TimeSpan.FromSeconds(9));
        using (var read = await tier.Client.GetAsync("k")) Assert.Equal(new byte[] { 1, 2, 3 }, read!.ToArray());

        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(await tier.Client.GetAsync("k"));
        Assert.Null(await tier.Client.HeadAsync("k"));
        Assert.Equal(0, tier.Proxy.ObjectCount);
    }

    [Fact]
    public async Task ExpireSetsAndClearsTheTimeToLive()
    {
        var clock = new FakeTimeProvider();
        await using var tier = TierHarness.Start(proxyTime: clock);
        await tier.Client.PutAsync("k", new byte[] { 7 });
        Assert.Null((await tier.Client.HeadAsync("k"))!.TimeToLive);
        Assert.False(await tier.Client.ExpireAsync("absent", TimeSpan.FromSeconds(1)));

        Assert.True(await tier.Client.ExpireAsync("k", TimeSpan.FromSeconds(5)));
        Assert.True(await tier.Client.ExpireAsync("k", null));
        clock.Advance(TimeSpan.FromSeconds(6));
        Assert.NotNull(await tier.Client.HeadAsync("k"));

        Assert.True(await tier.Client.ExpireAsync("k", TimeSpan.FromSeconds(5)));
        clock.Advance(TimeSpan.FromSeconds(5));
        Assert.False(await tier.Client.DeleteAsync("k"));
        Assert.Null(await tier.Client.GetAsync("k"));
    }

    [Fact]
    public async Task ConditionalPutsHonourIfAbsentAndIfPresent()
    {
        await using var tier = TierHarness.Start();
        Assert.True(await tier.Client.PutAsync("k", new byte[] { 1 }, new TierPutOptions(Condition: PutCondition.IfAbsent)));
        Assert.False(await tier.Client.PutAsync("k", new byte[] { 2 }, new TierPutOptions(Condition: PutCondition.IfAbsent)));
        using (var read = await tier.Client.GetAsync("k")) Assert.Equal(new byte[] { 1 }, read!.ToArray());

        Assert.False(await tier.Client.PutAsync("other", new byte[] { 3 }, new TierPutOptions(Condition: PutCondition.IfPresent)));
        Assert.Null(await tier.Client.GetAsync("other"));
        Assert.True(await tier.Client.PutAsync("k", new byte[] { 4 }, new TierPutOptions(Condition: PutCondition.IfPresent)));
        using (var read = await tier.Client.GetAsync("k")) Assert.Equal(new byte[] { 4 }, read!.ToArray());
        Assert.Equal(1, tier.Proxy.ObjectCount);
    }

    [Fact]
    public async Task HeadDescribesTheObjectWithoutItsBytes()
    {
        await using var tier = TierHarness.Start("rs(4,2)");
        await tier.Client.PutAsync("k", new byte[12345]);
        var info = await tier.Client.HeadAsync("k");
        Assert.Equal(12345, info!.Length);
        Assert.Equal("rs(4,2)", info.Codec);
        Assert.Equal(tier.Proxy.Lookup("k")!.Version, info.Version);
        Assert.Null(await tier.Client.HeadAsync("absent"));
        Assert.Equal(0, tier.Proxy.Counters[Tiered.Proxy.ProxyCounters.BytesOut]);
    }

    [Fact]
    public async Task NegativeTimeToLiveIsRefused()
    {
        await using var tier = TierHarness.Start();
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await tier.Client.PutAsync("k", new byte[1], new TierPutOptions(TimeSpan.FromSeconds(-1))));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await tier.Client.ExpireAsync("k", TimeSpan.Zero));
    }
}
