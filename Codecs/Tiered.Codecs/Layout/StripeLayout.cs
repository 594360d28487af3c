namespace Tiered.Codecs.Layout;

/// <summary>
/// Where the blocks of one stripe live: logical block b (data blocks 0..k-1 in object order, then parity
/// blocks k..k+r-1) of stripe s is stored in shard <see cref="ShardOf"/>(s, b).
/// </summary>
public abstract class StripeLayout
{
    /// <summary>Data in shards 0..k-1 and parity in shards k..k+r-1, in every stripe (RAID-0, RAID-4, Reed-Solomon).</summary>
    public static StripeLayout Fixed { get; } = new FixedLayout();

    /// <summary>
    /// Linux md's default RAID-5/6 layout: in stripe s the first parity block sits on shard n−1−(s mod n), the
    /// other parity blocks follow it, and the data blocks start on the shard after the last parity and wrap.
    /// </summary>
    public static StripeLayout LeftSymmetric { get; } = new LeftSymmetricLayout();

    public abstract string Name { get; }

    /// <summary>After how many stripes the placement repeats.</summary>
    public abstract int Period(int totalShards);

    public abstract int ShardOf(int stripe, int block, int dataShards, int parityShards);

    private sealed class FixedLayout : StripeLayout
    {
        public override string Name => "fixed";
        public override int Period(int totalShards) => 1;
        public override int ShardOf(int stripe, int block, int dataShards, int parityShards) => block;
    }

    private sealed class LeftSymmetricLayout : StripeLayout
    {
        public override string Name => "left-symmetric";
        public override int Period(int totalShards) => totalShards;

        public override int ShardOf(int stripe, int block, int dataShards, int parityShards)
        {
            int n = dataShards + parityShards;
            int firstParity = n - 1 - stripe % n;
            int offset = block >= dataShards ? block - dataShards : parityShards + block;
            return (firstParity + offset) % n;
        }
    }
}
