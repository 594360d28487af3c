using Tiered.Protocol;

namespace Tiered.Client;

/// <summary>How a PUT treats expiry and what is already stored.</summary>
/// <param name="TimeToLive">After this the object is no longer served (null: until evicted).</param>
/// <param name="Condition">Store only if the key is absent, or only if present (Redis SET NX / XX).</param>
public sealed record TierPutOptions(TimeSpan? TimeToLive = null, PutCondition Condition = PutCondition.Always)
{
    public static TierPutOptions Default { get; } = new();
}

/// <summary>What the proxy knows of a stored object.</summary>
public sealed record TierObjectInfo(string Key, long Length, long Version, string Codec, TimeSpan? TimeToLive);
