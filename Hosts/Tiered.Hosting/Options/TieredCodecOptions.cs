namespace Tiered.Hosting;

/// <summary>
/// The codec (<c>Tiered:Codec</c>): a kind and its parameters. With no kind and no parameters the codec is
/// <c>rs(10,2)</c>. Which parameters a kind needs: <c>rs</c> — <see cref="DataShards"/> and <see cref="ParityShards"/>;
/// <c>replication</c>/<c>raid1</c> — <see cref="Copies"/> (default 3 / 2); <c>raid0</c>, <c>raid4</c>, <c>raid5</c>,
/// <c>raid6</c> — <see cref="DataShards"/> and optionally <see cref="StripeUnit"/>. Codecs added with
/// <see cref="TieredBuilder.AddCodec"/> receive these options and read what they need (also from <see cref="Parameters"/>).
/// </summary>
public sealed class TieredCodecOptions
{
    /// <summary>The codec kind: <c>rs</c>, <c>replication</c>, <c>raid0</c>, <c>raid1</c>, <c>raid4</c>, <c>raid5</c>, <c>raid6</c>, or a registered one. Default (null): <c>rs</c>.</summary>
    public string? Kind { get; set; }

    /// <summary>k: data shards per object.</summary>
    public int? DataShards { get; set; }

    /// <summary>r: parity shards per object (Reed-Solomon).</summary>
    public int? ParityShards { get; set; }

    /// <summary>n: identical copies (replication, RAID-1).</summary>
    public int? Copies { get; set; }

    /// <summary>Bytes per stripe block for RAID levels (default 64 KiB).</summary>
    public int? StripeUnit { get; set; }

    /// <summary>Free-form parameters for registered (third-party) codecs; not checked for unknown keys.</summary>
    public Dictionary<string, string> Parameters { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}
