using System.Buffers;
using System.Runtime.InteropServices;
using Tiered.Client;
using Tiered.Protocol;

namespace Tiered.Resp;

/// <summary>The RESP endpoint's store over a <see cref="TierClient"/>: every command runs the client's codec.</summary>
/// <remarks>The client is not disposed by this store; its owner disposes it.</remarks>
public sealed class TierClientRespStore(TierClient client) : IRespStore
{
    public TierClient Client { get; } = client ?? throw new ArgumentNullException(nameof(client));

    public ValueTask<bool> SetAsync(string key, ReadOnlyMemory<byte> value, TimeSpan? timeToLive, PutCondition condition, CancellationToken cancellationToken) =>
        Client.PutAsync(key, value, timeToLive is null && condition == PutCondition.Always ? TierPutOptions.Default : new TierPutOptions(timeToLive, condition), cancellationToken);

    public async ValueTask<IMemoryOwner<byte>?> GetAsync(string key, CancellationToken cancellationToken)
    {
        var value = await Client.GetAsync(key, cancellationToken).ConfigureAwait(false);
        return value is null ? null : new ValueOwner(value);
    }

    public ValueTask<bool> DeleteAsync(string key, CancellationToken cancellationToken) => Client.DeleteAsync(key, cancellationToken);

    public ValueTask<TierObjectInfo?> HeadAsync(string key, CancellationToken cancellationToken) => Client.HeadAsync(key, cancellationToken);

    public ValueTask<bool> ExpireAsync(string key, TimeSpan? timeToLive, CancellationToken cancellationToken) => Client.ExpireAsync(key, timeToLive, cancellationToken);

    public Task<IReadOnlyDictionary<string, Dictionary<string, long>>> GetStatsAsync(CancellationToken cancellationToken) => Client.GetStatsAsync(cancellationToken);

    /// <summary>A <see cref="TierValue"/> seen as an <see cref="IMemoryOwner{T}"/> (no copy).</summary>
    private sealed class ValueOwner(TierValue value) : IMemoryOwner<byte>
    {
        public Memory<byte> Memory => MemoryMarshal.AsMemory(value.Memory);
        public void Dispose() => value.Dispose();
    }
}
