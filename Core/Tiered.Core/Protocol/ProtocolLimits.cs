namespace Tiered.Protocol;

/// <summary>The bounds a frame must respect; a frame beyond them is a protocol error and closes its connection.</summary>
public sealed record ProtocolLimits
{
    /// <summary>The largest MessagePack header accepted.</summary>
    public int MaxHeaderBytes { get; init; } = 64 * 1024;

    /// <summary>The largest payload (one chunk) accepted.</summary>
    public int MaxPayloadBytes { get; init; } = 512 * 1024 * 1024;

    public static ProtocolLimits Default { get; } = new();
}
