namespace Tiered.Proxy;

/// <summary>What one scrub pass found.</summary>
/// <param name="Objects">Objects scrubbed.</param>
/// <param name="ChunksVerified">Chunks whose node rehashed them and found them intact.</param>
/// <param name="ChunksCorrupt">Chunks whose bytes no longer match their checksum (deleted and queued for repair).</param>
/// <param name="ChunksMissing">Chunks their node no longer holds (queued for repair).</param>
/// <param name="ChunksUnreachable">Chunks whose node could not be reached (left for the next pass).</param>
/// <param name="ParityMismatches">Deep scrub only: objects whose chunks all match their checksums but fail the codec's parity check.</param>
public sealed record ScrubResult(int Objects, int ChunksVerified, int ChunksCorrupt, int ChunksMissing, int ChunksUnreachable, int ParityMismatches);
