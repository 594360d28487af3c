using Tiered.Codecs.Galois;
using Tiered.Codecs.Kernels;
using Tiered.Codecs.Layout;
using Tiered.Coding;

namespace Tiered.Codecs;

/// <summary>The RAID levels as codecs, in the Linux md layouts, striped in blocks of a configurable stripe unit.</summary>
public sealed class RaidCodec : LinearCodec
{
    /// <summary>The default stripe unit: small enough that padding stays below k·4 KiB per object.</summary>
    public const int DefaultStripeUnit = 4096;

    /// <summary>A stripe unit must be a positive multiple of this.</summary>
    public const int StripeUnitAlignment = 32;

    private RaidCodec(string level, int dataShards, int parityShards, byte[] generator, int stripeUnit, StripeLayout layout, bool isSystematic, GaloisKernel? kernel)
        : base(NameOf(level, dataShards, stripeUnit), dataShards, parityShards, generator, ValidUnit(level, stripeUnit), StripeUnitAlignment, layout, isSystematic, kernel)
    {
        Level = level;
    }

    /// <summary><c>raid0</c>, <c>raid4</c>, <c>raid5</c> or <c>raid6</c>.</summary>
    public string Level { get; }

    /// <summary>Striping across k shards, no redundancy.</summary>
    public static RaidCodec Raid0(int dataShards, int stripeUnit = DefaultStripeUnit, GaloisKernel? kernel = null) =>
        new("raid0", dataShards, 0, ParityMatrix("raid0", dataShards, 0), stripeUnit, StripeLayout.Fixed, isSystematic: true, kernel);

    /// <summary>k data shards and a dedicated XOR parity shard (the last).</summary>
    public static RaidCodec Raid4(int dataShards, int stripeUnit = DefaultStripeUnit, GaloisKernel? kernel = null) =>
        new("raid4", dataShards, 1, ParityMatrix("raid4", dataShards, 1), stripeUnit, StripeLayout.Fixed, isSystematic: true, kernel);

    /// <summary>k+1 shards with XOR parity rotating left-symmetrically (Linux md's default).</summary>
    public static RaidCodec Raid5(int dataShards, int stripeUnit = DefaultStripeUnit, GaloisKernel? kernel = null) =>
        new("raid5", dataShards, 1, ParityMatrix("raid5", dataShards, 1), stripeUnit, StripeLayout.LeftSymmetric, isSystematic: false, kernel);

    /// <summary>k+2 shards: P = ⊕ D_i and Q = Σ 2^i·D_i, rotating left-symmetrically as Linux md and ISA-L <c>pq_gen</c> compute them.</summary>
    public static RaidCodec Raid6(int dataShards, int stripeUnit = DefaultStripeUnit, GaloisKernel? kernel = null) =>
        new("raid6", dataShards, 2, ParityMatrix("raid6", dataShards, 2), stripeUnit, StripeLayout.LeftSymmetric, isSystematic: false, kernel);

    private static byte[] ParityMatrix(string level, int dataShards, int parityShards)
    {
        ShardArguments.ValidateShape(level, dataShards, parityShards);
        // Row 0 of the parity is P (all ones), row 1 is Q (powers of the generator 2).
        return GaloisMatrix.Systematic(dataShards, parityShards, (row, column) => row == 0 ? (byte)1 : GaloisField.Exp(column));
    }

    private static int ValidUnit(string level, int stripeUnit)
    {
        if (stripeUnit <= 0 || stripeUnit % StripeUnitAlignment != 0)
            throw new ArgumentOutOfRangeException(nameof(stripeUnit), stripeUnit, $"{level}: the stripe unit must be a positive multiple of {StripeUnitAlignment} bytes, not {stripeUnit}.");
        return stripeUnit;
    }

    private static string NameOf(string level, int dataShards, int stripeUnit) =>
        stripeUnit == DefaultStripeUnit ? $"{level}({dataShards})" : $"{level}({dataShards},unit={stripeUnit})";
}
