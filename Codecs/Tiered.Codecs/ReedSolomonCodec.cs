using Tiered.Codecs.Galois;
using Tiered.Codecs.Kernels;
using Tiered.Codecs.Layout;

namespace Tiered.Codecs;

/// <summary>
/// Systematic Reed-Solomon(k, r) with ISA-L's Cauchy matrix (<c>gf_gen_cauchy1_matrix</c>): data shard j is
/// bytes [j·S, (j+1)·S) of the zero-padded object, and the parity equals ISA-L's <c>ec_encode_data</c>.
/// Any r shards may be lost; k + r ≤ 256.
/// </summary>
public sealed class ReedSolomonCodec : LinearCodec
{
    /// <summary>Shard lengths are multiples of this, so that the vector kernels never need a scalar tail.</summary>
    public const int Alignment = 64;

    public ReedSolomonCodec(int dataShards, int parityShards, GaloisKernel? kernel = null)
        : base($"rs({dataShards},{parityShards})", dataShards, parityShards, CauchyOrThrow(dataShards, parityShards),
            stripeUnit: 0, Alignment, StripeLayout.Fixed, isSystematic: true, kernel)
    {
    }

    private static byte[] CauchyOrThrow(int dataShards, int parityShards)
    {
        Tiered.Coding.ShardArguments.ValidateShape($"rs({dataShards},{parityShards})", dataShards, parityShards);
        return GaloisMatrix.Cauchy(dataShards, parityShards);
    }
}
