using StackExchange.Redis;

namespace Tiered.Cli.Benchmarks.E2e;

/// <summary>redis-server through one StackExchange.Redis multiplexer; GETs lease pooled buffers.</summary>
internal sealed class RedisTarget(ConnectionMultiplexer redis) : IE2eTarget
{
    private readonly IDatabase _db = redis.GetDatabase();

    public string Name => "Redis";

    public static async Task<RedisTarget> ConnectAsync(RedisServerProcess server)
    {
        var options = new ConfigurationOptions
        {
            EndPoints = { server.EndPoint },
            AbortOnConnectFail = true,
            ConnectTimeout = 10_000,
            SyncTimeout = 120_000,
            AsyncTimeout = 120_000,
            ClientName = "tiered-bench-e2e",
        };
        return new RedisTarget(await ConnectionMultiplexer.ConnectAsync(options).ConfigureAwait(false));
    }

    public async Task PutAsync(string key, ReadOnlyMemory<byte> value, CancellationToken cancellationToken)
    {
        if (!await _db.StringSetAsync(key, value).WaitAsync(cancellationToken).ConfigureAwait(false))
            throw new InvalidOperationException($"redis SET '{key}' was not acknowledged.");
    }

    public async Task<FetchedObject?> GetAsync(string key, CancellationToken cancellationToken)
    {
        var lease = await _db.StringGetLeaseAsync(key).WaitAsync(cancellationToken).ConfigureAwait(false);
        return lease is null ? null : new FetchedObject(lease.Memory, lease);
    }

    public async ValueTask DisposeAsync() => await redis.DisposeAsync().ConfigureAwait(false);
}
