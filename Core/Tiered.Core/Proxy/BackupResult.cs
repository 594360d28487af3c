namespace Tiered.Proxy;

/// <summary>What one delta-sync backup of a node did.</summary>
/// <param name="NodeId">The node (function) backed up.</param>
/// <param name="PrimaryInstance">The instance holding the node's chunks.</param>
/// <param name="PeerInstance">The other instance of the same function that now holds a copy (null when none could be reached).</param>
/// <param name="PeerHadChunks">Chunks the peer already held that the primary also holds (not sent again).</param>
/// <param name="ChunksSent">Chunks the peer lacked, sent to it.</param>
/// <param name="BytesSent">Their bytes.</param>
/// <param name="ChunksDeleted">Chunks the peer held that the primary no longer does, deleted from it.</param>
/// <param name="Error">Why the backup did not complete, or null.</param>
public sealed record BackupResult(string NodeId, string PrimaryInstance, string? PeerInstance, int PeerHadChunks, int ChunksSent, long BytesSent, int ChunksDeleted, string? Error = null)
{
    public bool Succeeded => Error is null;
}
