using System.Buffers;
using Tiered.Client;
using Tiered.Protocol;

namespace Tiered.Resp;

/// <summary>
/// What the RESP endpoint needs from the tier. <see cref="TierClientRespStore"/> implements it over a
/// <see cref="TierClient"/> (so the endpoint runs the codec itself); tests may substitute their own.
/// </summary>
public interface IRespStore
{
    /// <summary>Stores an object; false when <paramref name="condition"/> did not hold.</summary>
    ValueTask<bool> SetAsync(string key, ReadOnlyMemory<byte> value, TimeSpan? timeToLive, PutCondition condition, CancellationToken cancellationToken);

    /// <summary>The object's bytes (dispose to return the buffer), or null on a miss.</summary>
    ValueTask<IMemoryOwner<byte>?> GetAsync(string key, CancellationToken cancellationToken);

    /// <summary>Removes an object; false when it was not there.</summary>
    ValueTask<bool> DeleteAsync(string key, CancellationToken cancellationToken);

    /// <summary>An object's metadata (length, time to live), or null when it is absent.</summary>
    ValueTask<TierObjectInfo?> HeadAsync(string key, CancellationToken cancellationToken);

    /// <summary>Sets (or with null clears) an object's time to live; false when it is absent.</summary>
    ValueTask<bool> ExpireAsync(string key, TimeSpan? timeToLive, CancellationToken cancellationToken);

    /// <summary>Counters of every proxy behind the store, keyed by proxy address.</summary>
    Task<IReadOnlyDictionary<string, Dictionary<string, long>>> GetStatsAsync(CancellationToken cancellationToken);
}
