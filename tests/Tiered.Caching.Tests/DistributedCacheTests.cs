using Tiered.Testing;
using System.Buffers;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Tiered.Proxy;

namespace Tiered.Caching.Tests;

/// <summary>IDistributedCache semantics; the cache and the proxy share one fake clock.</summary>
public sealed class DistributedCacheTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private TierHarness _tier = null!;
    private TieredDistributedCache _cache = null!;

    public Task InitializeAsync()
    {
        _tier = CacheTier.Start(_clock);
        _cache = new TieredDistributedCache(_tier.Client, "app:", _clock);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _tier.DisposeAsync();

    private long Puts => _tier.Proxy.Counters[ProxyCounters.Puts];

    [Fact]
    public async Task Set_get_remove_and_prefix()
    {
        var value = new byte[] { 1, 2, 3, 0, 255 };
        await _cache.SetAsync("k", value, new DistributedCacheEntryOptions());
        Assert.Equal(value, await _cache.GetAsync("k"));
        Assert.Equal(value, _cache.Get("k"));
        Assert.NotNull(await _tier.Client.HeadAsync("app:k"));
        Assert.Null((await _tier.Client.HeadAsync("app:k"))!.TimeToLive);

        await _cache.RemoveAsync("k");
        Assert.Null(await _cache.GetAsync("k"));
        Assert.Null(await _cache.GetAsync("never-set"));
        await _cache.RefreshAsync("never-set");

        _cache.Set("empty", [], new DistributedCacheEntryOptions());
        Assert.Equal(Array.Empty<byte>(), _cache.Get("empty"));
    }

    [Fact]
    public async Task Absolute_expiration_relative_to_now()
    {
        await _cache.SetAsync("rel", [7], new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(10) });
        Assert.Equal(TimeSpan.FromMinutes(10), (await _tier.Client.HeadAsync("app:rel"))!.TimeToLive);
        _clock.Advance(TimeSpan.FromMinutes(9));
        Assert.Equal(new byte[] { 7 }, await _cache.GetAsync("rel"));
        _clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Null(await _cache.GetAsync("rel"));
        Assert.Null(await _tier.Client.HeadAsync("app:rel"));
    }

    [Fact]
    public async Task Absolute_expiration_at_a_time()
    {
        await _cache.SetAsync("abs", [8], new DistributedCacheEntryOptions { AbsoluteExpiration = _clock.GetUtcNow().AddHours(1) });
        _clock.Advance(TimeSpan.FromMinutes(59));
        Assert.Equal(new byte[] { 8 }, await _cache.GetAsync("abs"));
        _clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Null(await _cache.GetAsync("abs"));

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            _cache.SetAsync("past", [1], new DistributedCacheEntryOptions { AbsoluteExpiration = _clock.GetUtcNow().AddSeconds(-1) }));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            _cache.SetAsync("zero", [1], new DistributedCacheEntryOptions { SlidingExpiration = TimeSpan.Zero }));
    }

    [Fact]
    public async Task Sliding_expiration_is_extended_by_get_and_refresh_without_uploading()
    {
        await _cache.SetAsync("slide", [9], new DistributedCacheEntryOptions { SlidingExpiration = TimeSpan.FromMinutes(10) });
        long puts = Puts;
        Assert.Equal(TimeSpan.FromMinutes(10), (await _tier.Client.HeadAsync("app:slide"))!.TimeToLive);

        _clock.Advance(TimeSpan.FromMinutes(8));
        Assert.Equal(new byte[] { 9 }, await _cache.GetAsync("slide"));
        Assert.Equal(TimeSpan.FromMinutes(10), (await _tier.Client.HeadAsync("app:slide"))!.TimeToLive);
        _clock.Advance(TimeSpan.FromMinutes(8));
        await _cache.RefreshAsync("slide");
        _clock.Advance(TimeSpan.FromMinutes(8));
        _cache.Refresh("slide");
        _clock.Advance(TimeSpan.FromMinutes(8));
        Assert.Equal(new byte[] { 9 }, await _cache.GetAsync("slide"));
        Assert.Equal(puts, Puts);

        _clock.Advance(TimeSpan.FromMinutes(10));
        Assert.Null(await _cache.GetAsync("slide"));
    }

    [Fact]
    public async Task Sliding_expiration_is_capped_by_the_absolute_expiration()
    {
        await _cache.SetAsync("capped", [5], new DistributedCacheEntryOptions
        {
            SlidingExpiration = TimeSpan.FromMinutes(10),
            AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(15),
        });
        _clock.Advance(TimeSpan.FromMinutes(8));
        Assert.Equal(new byte[] { 5 }, await _cache.GetAsync("capped"));
        Assert.Equal(TimeSpan.FromMinutes(7), (await _tier.Client.HeadAsync("app:capped"))!.TimeToLive);
        _clock.Advance(TimeSpan.FromMinutes(6));
        await _cache.RefreshAsync("capped");
        _clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Null(await _cache.GetAsync("capped"));
    }

    [Fact]
    public async Task Buffer_distributed_cache_reads_into_a_buffer_writer()
    {
        IBufferDistributedCache buffered = _cache;
        var first = new byte[] { 1, 2 };
        var second = new byte[] { 3, 4, 5 };
        var sequence = Segment.Of(first, second);
        await buffered.SetAsync("seq", sequence, new DistributedCacheEntryOptions());
        var writer = new ArrayBufferWriter<byte>();
        Assert.True(await buffered.TryGetAsync("seq", writer));
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5 }, writer.WrittenSpan.ToArray());
        Assert.False(buffered.TryGet("missing", writer));
    }

    [Fact]
    public async Task An_object_not_written_by_the_cache_is_a_miss()
    {
        await _tier.Client.PutAsync("app:raw", new byte[] { 1, 2, 3 });
        Assert.Null(await _cache.GetAsync("raw"));
    }

    [Fact]
    public async Task Registered_with_AddTieredDistributedCache_from_proxy_addresses()
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(_clock);
        services.AddTieredDistributedCache(o =>
        {
            o.Proxies = [_tier.Proxy.ClientEndPoint.ToString()];
            o.Codec = "rs(4,2)";
            o.InstanceName = "di:";
        });
        await using var provider = services.BuildServiceProvider();
        var cache = provider.GetRequiredService<IDistributedCache>();
        Assert.IsType<TieredDistributedCache>(cache);
        await cache.SetStringAsync("greeting", "hello", new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(1) });
        Assert.Equal("hello", await cache.GetStringAsync("greeting"));
        Assert.Equal(TimeSpan.FromMinutes(1), (await _tier.Client.HeadAsync("di:greeting"))!.TimeToLive);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        private Segment(byte[] data, long index)
        {
            Memory = data;
            RunningIndex = index;
        }

        public static ReadOnlySequence<byte> Of(byte[] first, byte[] second)
        {
            var head = new Segment(first, 0);
            var tail = new Segment(second, first.Length);
            head.Next = tail;
            return new ReadOnlySequence<byte>(head, 0, tail, second.Length);
        }
    }
}
