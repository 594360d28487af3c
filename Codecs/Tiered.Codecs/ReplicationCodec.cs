using Tiered.Codecs.Kernels;
using Tiered.Codecs.Layout;
using Tiered.Coding;

namespace Tiered.Codecs;

/// <summary>n identical copies of the object (RAID-1 is the same code): any one copy rebuilds it.</summary>
public sealed class ReplicationCodec : LinearCodec
{
    public ReplicationCodec(int copies, GaloisKernel? kernel = null) : this($"replication({copies})", copies, kernel) { }

    private ReplicationCodec(string name, int copies, GaloisKernel? kernel)
        : base(name, 1, CopiesOrThrow(name, copies) - 1, Enumerable.Repeat((byte)1, copies).ToArray(),
            stripeUnit: 0, alignment: 1, StripeLayout.Fixed, isSystematic: true, kernel)
    {
        Copies = copies;
    }

    public int Copies { get; }

    /// <summary>RAID-1: mirroring over <paramref name="mirrors"/> shards.</summary>
    public static ReplicationCodec Raid1(int mirrors = 2, GaloisKernel? kernel = null) => new($"raid1({mirrors})", mirrors, kernel);

    private static int CopiesOrThrow(string name, int copies)
    {
        if (copies < 1)
            throw new ArgumentOutOfRangeException(nameof(copies), copies, $"{name}: the number of copies must be at least 1.");
        ShardArguments.ValidateShape(name, 1, copies - 1);
        return copies;
    }
}
