using Tiered.Testing;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;
using ZiggyCreatures.Caching.Fusion;
using ZiggyCreatures.Caching.Fusion.Serialization.SystemTextJson;

namespace Tiered.Caching.Tests;

/// <summary>The tier as the second level of FusionCache and of HybridCache (real clocks).</summary>
public sealed class MultiLevelCacheTests : IAsyncLifetime
{
    private TierHarness _tier = null!;

    public Task InitializeAsync()
    {
        _tier = CacheTier.Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _tier.DisposeAsync();

    public sealed record Product(int Id, string Name, decimal Price);

    private FusionCache NewFusionCache()
    {
        var fusion = new FusionCache(new FusionCacheOptions(), new MemoryCache(new MemoryCacheOptions()));
        fusion.SetupDistributedCache(new TieredDistributedCache(_tier.Client), new FusionCacheSystemTextJsonSerializer());
        return fusion;
    }

    [Fact]
    public async Task FusionCache_reads_through_the_tier_what_another_instance_wrote()
    {
        using var writer = NewFusionCache();
        using var reader = NewFusionCache();
        var product = new Product(42, "widget", 9.5m);
        await writer.SetAsync("product:42", product, new FusionCacheEntryOptions(TimeSpan.FromMinutes(5)) { AllowBackgroundDistributedCacheOperations = false });

        // The second instance has an empty memory level: the value can only come from the tier.
        var read = await reader.TryGetAsync<Product>("product:42");
        Assert.True(read.HasValue);
        Assert.Equal(product, read.Value);

        // FusionCache prefixes its L2 keys (v2:…); the object is in the tier with a time to live.
        var objects = _tier.Proxy.ObjectCount;
        Assert.True(objects >= 1);

        await writer.RemoveAsync("product:42", new FusionCacheEntryOptions { AllowBackgroundDistributedCacheOperations = false });
        using var third = NewFusionCache();
        Assert.False((await third.TryGetAsync<Product>("product:42")).HasValue);
    }

    [Fact]
    public async Task FusionCache_registered_through_DI_uses_the_registered_tier_cache()
    {
        var services = new ServiceCollection();
        services.AddTieredDistributedCache(o => o.Proxies = [_tier.Proxy.ClientEndPoint.ToString()]);
        services.AddFusionCache().WithSerializer(new FusionCacheSystemTextJsonSerializer()).WithRegisteredDistributedCache();
        await using var provider = services.BuildServiceProvider();
        var cache = provider.GetRequiredService<IFusionCache>();
        Assert.True(cache.HasDistributedCache);
        int calls = 0;
        var value = await cache.GetOrSetAsync<string>("di:key", async _ => { calls++; await Task.Yield(); return "computed"; },
            new FusionCacheEntryOptions(TimeSpan.FromMinutes(1)) { AllowBackgroundDistributedCacheOperations = false });
        Assert.Equal("computed", value);
        var l2 = provider.GetRequiredService<IDistributedCache>();
        Assert.True(_tier.Proxy.ObjectCount > 0, "nothing in the tier");
        Assert.NotNull(await l2.GetAsync("v2:di:key"));

        using var other = NewFusionCache();
        Assert.Equal("computed", await other.GetOrDefaultAsync<string>("di:key"));
        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task HybridCache_uses_the_tier_as_its_distributed_cache()
    {
        ServiceProvider NewProvider()
        {
            var services = new ServiceCollection();
            services.AddTieredDistributedCache(o => o.Proxies = [_tier.Proxy.ClientEndPoint.ToString()]);
            services.AddHybridCache();
            return services.BuildServiceProvider();
        }
        await using var first = NewProvider();
        await using var second = NewProvider();
        var writer = first.GetRequiredService<HybridCache>();
        var reader = second.GetRequiredService<HybridCache>();
        var product = new Product(7, "gadget", 3.25m);

        await writer.SetAsync("hybrid:7", product, new HybridCacheEntryOptions { Expiration = TimeSpan.FromMinutes(5) });
        var raw = await first.GetRequiredService<IDistributedCache>().GetAsync("hybrid:7");
        Assert.NotNull(raw);

        int factoryCalls = 0;
        var read = await reader.GetOrCreateAsync("hybrid:7", async _ => { factoryCalls++; await Task.Yield(); return new Product(0, "wrong", 0); });
        Assert.Equal(product, read);
        Assert.Equal(0, factoryCalls);

        await writer.RemoveAsync("hybrid:7");
        Assert.Null(await first.GetRequiredService<IDistributedCache>().GetAsync("hybrid:7"));
    }
}
