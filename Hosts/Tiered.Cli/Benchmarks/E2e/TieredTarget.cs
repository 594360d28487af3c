using Tiered.Client;
using Tiered.Codecs;

namespace Tiered.Cli.Benchmarks.E2e;

/// <summary>The tier through a <see cref="TierClient"/> connected to the proxy of an <see cref="ITierHost"/>.</summary>
internal sealed class TieredTarget(TierClient client) : IE2eTarget
{
    public string Name => "Tiered";

    public TierClient Client => client;

    public static TieredTarget Connect(ITierHost host, string codec, int connections = 4) =>
        new(new TierClient(new TierClientOptions { Proxies = [host.ClientEndPoint], ConnectionsPerProxy = connections, RequestTimeout = TimeSpan.FromMinutes(2) },
            CodecFactory.Create(codec)));

    public Task PutAsync(string key, ReadOnlyMemory<byte> value, CancellationToken cancellationToken) =>
        client.PutAsync(key, value, cancellationToken).AsTask();

    public async Task<FetchedObject?> GetAsync(string key, CancellationToken cancellationToken)
    {
        var value = await client.GetAsync(key, cancellationToken).ConfigureAwait(false);
        return value is null ? null : new FetchedObject(value.Memory, value);
    }

    /// <summary>How many node functions the proxy has connected right now (from its STATS counters).</summary>
    public async Task<(long Connected, long Total)> NodesAsync(CancellationToken cancellationToken)
    {
        var stats = await client.GetStatsAsync(cancellationToken).ConfigureAwait(false);
        var counters = stats.Values.First();
        return (counters.GetValueOrDefault("nodes_connected"), counters.GetValueOrDefault("nodes"));
    }

    public ValueTask DisposeAsync() => client.DisposeAsync();
}
