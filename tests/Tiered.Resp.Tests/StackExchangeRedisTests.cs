using StackExchange.Redis;

namespace Tiered.Resp.Tests;

/// <summary>The real StackExchange.Redis client against the endpoint, unchanged apart from its timeouts.</summary>
[Collection(RespTierCollection.Name)]
public sealed class StackExchangeRedisTests(RespTierFixture fixture) : IAsyncLifetime
{
    private ConnectionMultiplexer _redis = null!;
    private IDatabase Db => _redis.GetDatabase();

    public async Task InitializeAsync() =>
        _redis = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{fixture.Tier.Port},allowAdmin=true,connectTimeout=10000,syncTimeout=60000,asyncTimeout=60000");

    public async Task DisposeAsync() => await _redis.DisposeAsync();

    [Fact]
    public async Task Set_get_del_exists_strlen_round_trip()
    {
        Assert.True(await Db.StringSetAsync("se:a", "hello"));
        Assert.Equal("hello", (string?)await Db.StringGetAsync("se:a"));
        Assert.Equal(5, await Db.StringLengthAsync("se:a"));
        Assert.True(await Db.KeyExistsAsync("se:a"));
        Assert.Equal(1, await Db.KeyExistsAsync(["se:a", "se:missing", "se:a"]) - 1);
        Assert.True(await Db.KeyDeleteAsync("se:a"));
        Assert.False(await Db.KeyDeleteAsync("se:a"));
        Assert.True((await Db.StringGetAsync("se:a")).IsNull);
        Assert.Equal(0, await Db.StringLengthAsync("se:a"));
        Assert.False(await Db.KeyExistsAsync("se:a"));
    }

    [Fact]
    public async Task Ten_MiB_values_are_byte_identical()
    {
        var value = RespTier.RandomBytes(10 * 1024 * 1024, seed: 10);
        Assert.True(await Db.StringSetAsync("se:big", value));
        byte[]? back = await Db.StringGetAsync("se:big");
        Assert.NotNull(back);
        Assert.True(value.AsSpan().SequenceEqual(back));
        Assert.Equal(value.Length, await Db.StringLengthAsync("se:big"));
        Assert.True(await Db.KeyDeleteAsync("se:big"));
    }

    [Fact]
    public async Task Empty_and_binary_values_round_trip()
    {
        Assert.True(await Db.StringSetAsync("se:empty", Array.Empty<byte>()));
        Assert.Equal(Array.Empty<byte>(), (byte[]?)await Db.StringGetAsync("se:empty"));
        var binary = new byte[] { 0, 13, 10, 255, 36, 42, 13, 10 };
        Assert.True(await Db.StringSetAsync("se:binary", binary));
        Assert.Equal(binary, (byte[]?)await Db.StringGetAsync("se:binary"));
    }

    [Fact]
    public async Task Expiry_with_ex_and_px_is_reported_by_ttl_and_pttl()
    {
        Assert.True(await Db.StringSetAsync("se:ex", "v", TimeSpan.FromSeconds(100)));
        var ttl = await Db.KeyTimeToLiveAsync("se:ex");
        Assert.InRange(ttl!.Value, TimeSpan.FromSeconds(95), TimeSpan.FromSeconds(100));

        Assert.True(await Db.StringSetAsync("se:px", "v", TimeSpan.FromMilliseconds(1500)));
        Assert.Equal("v", (string?)await Db.StringGetAsync("se:px"));
        await Task.Delay(2000);
        Assert.True((await Db.StringGetAsync("se:px")).IsNull);

        Assert.True(await Db.StringSetAsync("se:persist", "v"));
        Assert.Null(await Db.KeyTimeToLiveAsync("se:persist"));
        Assert.True(await Db.KeyExpireAsync("se:persist", TimeSpan.FromMinutes(5)));
        Assert.InRange((await Db.KeyTimeToLiveAsync("se:persist"))!.Value, TimeSpan.FromMinutes(4), TimeSpan.FromMinutes(5));
        Assert.True(await Db.KeyPersistAsync("se:persist"));
        Assert.Null(await Db.KeyTimeToLiveAsync("se:persist"));
        Assert.False(await Db.KeyExpireAsync("se:nothing-here", TimeSpan.FromMinutes(5)));
    }

    [Fact]
    public async Task Nx_and_xx_conditions()
    {
        await Db.KeyDeleteAsync("se:cond");
        Assert.False(await Db.StringSetAsync("se:cond", "x", when: When.Exists));
        Assert.True(await Db.StringSetAsync("se:cond", "first", when: When.NotExists));
        Assert.False(await Db.StringSetAsync("se:cond", "second", when: When.NotExists));
        Assert.Equal("first", (string?)await Db.StringGetAsync("se:cond"));
        Assert.True(await Db.StringSetAsync("se:cond", "third", when: When.Exists));
        Assert.Equal("third", (string?)await Db.StringGetAsync("se:cond"));
        Assert.True(await Db.StringSetAsync("se:cond", "fourth", TimeSpan.FromMinutes(1), when: When.Exists));
        Assert.NotNull(await Db.KeyTimeToLiveAsync("se:cond"));
    }

    [Fact]
    public async Task Info_ping_and_execute_work_with_allow_admin()
    {
        var server = _redis.GetServer(_redis.GetEndPoints()[0]);
        Assert.True(await Db.PingAsync() < TimeSpan.FromSeconds(10));
        await Db.StringSetAsync("se:info", "v");
        await Db.StringGetAsync("se:info");
        var info = await server.InfoAsync();
        var fields = info.SelectMany(g => g).ToDictionary(p => p.Key, p => p.Value);
        Assert.Equal("7.0.0", fields["redis_version"]);
        Assert.True(long.Parse(fields["keyspace_hits"]) >= 1);
        Assert.Contains(info, g => g.Key == "Keyspace");
        Assert.Equal(new Version(7, 0, 0), server.Version);
        Assert.True(await server.DatabaseSizeAsync() >= 1);
        Assert.Equal("bar", (string?)await Db.ExecuteAsync("ECHO", "bar"));
    }
}
