namespace Tiered.Proxy;

/// <summary>What the proxy's directory knows of one stored object version.</summary>
/// <param name="Key">The object's key.</param>
/// <param name="Version">Increases with every PUT of any key; a re-PUT gets a new version.</param>
/// <param name="ObjectLength">The object's length in bytes.</param>
/// <param name="Codec">The codec's name (e.g. <c>rs(10,2)</c>); clients decode with it.</param>
/// <param name="ShardLength">Bytes per chunk.</param>
/// <param name="DataShards">k.</param>
/// <param name="TotalShards">k + r.</param>
/// <param name="Nodes">The node (function) holding chunk i.</param>
/// <param name="Checksums">The XxHash3 of chunk i.</param>
/// <param name="ExpiresAt">When the object stops being served, or null to keep it until evicted.</param>
public sealed record ObjectEntry(string Key, long Version, long ObjectLength, string Codec, int ShardLength, int DataShards, int TotalShards,
    string[] Nodes, ulong[] Checksums, DateTimeOffset? ExpiresAt = null)
{
    public bool IsExpired(DateTimeOffset now) => ExpiresAt is { } expires && now >= expires;

    /// <summary>Memory the object takes in the pool (all its chunks).</summary>
    public long StoredBytes => (long)ShardLength * TotalShards;
}
