using System.Buffers;
using System.Collections.Concurrent;
using Tiered.Codecs.Galois;
using Tiered.Codecs.Kernels;
using Tiered.Codecs.Layout;
using Tiered.Coding;

namespace Tiered.Codecs;

/// <summary>
/// The engine behind every built-in codec: a systematic linear code over GF(2^8) given by its
/// (k+r)×k generator matrix, optionally striped in blocks of <see cref="StripeUnit"/> bytes whose
/// placement on shards a <see cref="StripeLayout"/> decides. Reed-Solomon is one stripe as tall as the
/// shard; RAID-4/5/6 are many stripes with XOR (and Q) parity rows.
/// </summary>
/// <remarks>
/// Work is done in segments (a stripe, or a column slice of a tall stripe) small enough for the caches, so
/// a segment's inputs are read from memory once. Decode plans (inverted submatrices for an erasure
/// pattern) are cached per pattern.
/// </remarks>
public abstract unsafe class LinearCodec : IErasureCodec
{
    /// <summary>Column slice processed at once when a stripe is taller than this.</summary>
    private const int SegmentBytes = 32 * 1024;

    private readonly byte[] _generator;
    private readonly CodingProgram? _encode;
    private readonly ConcurrentDictionary<(BlockMask Present, BlockMask Wanted), DecodePlan> _plans = new();

    protected LinearCodec(string name, int dataShards, int parityShards, byte[] generator, int stripeUnit, int alignment,
        StripeLayout layout, bool isSystematic, GaloisKernel? kernel)
    {
        ShardArguments.ValidateShape(name, dataShards, parityShards);
        if (generator.Length != (dataShards + parityShards) * dataShards)
            throw new ArgumentException($"{name}: the generator matrix must be (k+r)×k = {(dataShards + parityShards) * dataShards} bytes.", nameof(generator));
        if (alignment < 1) throw new ArgumentOutOfRangeException(nameof(alignment), alignment, $"{name}: the shard alignment must be at least 1.");
        if (stripeUnit < 0 || stripeUnit % alignment != 0)
            throw new ArgumentOutOfRangeException(nameof(stripeUnit), stripeUnit, $"{name}: the stripe unit must be a positive multiple of {alignment} bytes, not {stripeUnit}.");

        Name = name;
        DataShards = dataShards;
        ParityShards = parityShards;
        TotalShards = dataShards + parityShards;
        StripeUnit = stripeUnit;
        ShardAlignment = stripeUnit > 0 ? stripeUnit : alignment;
        Layout = layout;
        IsSystematic = isSystematic;
        Kernel = kernel ?? GaloisKernel.Best;
        _generator = generator;
        if (parityShards > 0)
            _encode = new CodingProgram(Kernel, generator.AsSpan(dataShards * dataShards), parityShards, dataShards);
        MaxShardLength = Array.MaxLength / ShardAlignment * ShardAlignment;
        MaxObjectLength = (long)MaxShardLength * dataShards;
    }

    public string Name { get; }
    public int DataShards { get; }
    public int ParityShards { get; }
    public int TotalShards { get; }
    public bool IsSystematic { get; }
    public int ShardAlignment { get; }
    public long MaxObjectLength { get; }
    public int MaxShardLength { get; }

    /// <summary>Bytes per stripe block, or 0 when a shard is one block (no striping).</summary>
    public int StripeUnit { get; }

    public StripeLayout Layout { get; }
    public GaloisKernel Kernel { get; }

    /// <summary>The (k+r)×k generator matrix, row-major; rows 0..k-1 are the identity.</summary>
    public ReadOnlySpan<byte> Generator => _generator;

    public int ShardSize(long objectLength)
    {
        ShardArguments.ValidateObjectLength(this, objectLength);
        if (objectLength == 0) return 0;
        long perShard = (objectLength + DataShards - 1) / DataShards;
        return (int)((perShard + ShardAlignment - 1) / ShardAlignment * ShardAlignment);
    }

    public void Encode(ReadOnlySpan<byte> source, ReadOnlySpan<Memory<byte>> shards)
    {
        ShardArguments.ValidateCount(this, shards.Length, nameof(shards));
        int shardLength = ShardSize(source.Length);
        ShardArguments.ValidateLengths(this, shards, default, shardLength, checkMissing: true, ShardArguments.LengthOf);
        if (shardLength == 0) return;

        int k = DataShards, r = ParityShards, block = BlockLength(shardLength);
        byte** shardPtrs = stackalloc byte*[TotalShards];
        byte** inputs = stackalloc byte*[k];
        byte** outputs = stackalloc byte*[Math.Max(r, 1)];
        using var pins = PinnedShards.Pin(shards, shardPtrs);
        fixed (byte* src = source)
        {
            for (int stripe = 0; stripe < shardLength / block; stripe++)
            {
                for (int offset = 0; offset < block; offset += SegmentBytes)
                {
                    int length = Math.Min(SegmentBytes, block - offset);
                    long stripeBase = (long)stripe * block + offset;
                    for (int i = 0; i < k; i++)
                    {
                        byte* destination = shardPtrs[Layout.ShardOf(stripe, i, k, r)] + stripeBase;
                        long objectOffset = ((long)stripe * k + i) * block + offset;
                        long available = Math.Clamp(source.Length - objectOffset, 0, length);
                        if (available > 0) Buffer.MemoryCopy(src + objectOffset, destination, length, available);
                        if (available < length) new Span<byte>(destination + available, (int)(length - available)).Clear();
                        inputs[i] = destination;
                    }
                    if (_encode is null) continue;
                    for (int p = 0; p < r; p++) outputs[p] = shardPtrs[Layout.ShardOf(stripe, k + p, k, r)] + stripeBase;
                    _encode.Execute(inputs, outputs, length);
                }
            }
        }
    }

    /// <summary>
    /// Shard-level encoding: the data blocks are already in place in <paramref name="shards"/> (all of one
    /// length, a multiple of the stripe unit); computes every parity block from them.
    /// </summary>
    public void EncodeParity(ReadOnlySpan<Memory<byte>> shards)
    {
        ShardArguments.ValidateCount(this, shards.Length, nameof(shards));
        int shardLength = ValidateShardLength(ShardArguments.ValidateLengths(this, shards, default, -1, checkMissing: true, ShardArguments.LengthOf));
        if (shardLength == 0 || _encode is null) return;

        int k = DataShards, r = ParityShards, block = BlockLength(shardLength);
        byte** shardPtrs = stackalloc byte*[TotalShards];
        byte** inputs = stackalloc byte*[k];
        byte** outputs = stackalloc byte*[r];
        using var pins = PinnedShards.Pin(shards, shardPtrs);
        for (int stripe = 0; stripe < shardLength / block; stripe++)
        {
            for (int offset = 0; offset < block; offset += SegmentBytes)
            {
                int length = Math.Min(SegmentBytes, block - offset);
                long stripeBase = (long)stripe * block + offset;
                for (int i = 0; i < k; i++) inputs[i] = shardPtrs[Layout.ShardOf(stripe, i, k, r)] + stripeBase;
                for (int p = 0; p < r; p++) outputs[p] = shardPtrs[Layout.ShardOf(stripe, k + p, k, r)] + stripeBase;
                _encode.Execute(inputs, outputs, length);
            }
        }
    }

    public void Decode(ReadOnlySpan<ReadOnlyMemory<byte>> shards, ReadOnlySpan<bool> present, Span<byte> destination)
    {
        ShardArguments.ValidateCount(this, shards.Length, nameof(shards));
        ShardArguments.CountMissing(this, present);
        int shardLength = ShardSize(destination.Length);
        ShardArguments.ValidateLengths(this, shards, present, shardLength, checkMissing: false, ShardArguments.LengthOf);
        if (destination.Length == 0) return;

        int k = DataShards, r = ParityShards, block = BlockLength(shardLength);
        long objectLength = destination.Length;
        long stripeBytes = (long)block * k;
        int stripes = (int)((objectLength + stripeBytes - 1) / stripeBytes);
        byte** shardPtrs = stackalloc byte*[TotalShards];
        byte** inputs = stackalloc byte*[k];
        byte** outputs = stackalloc byte*[k];
        byte[]? scratch = null;
        MemoryHandle scratchPin = default;
        using var pins = PinnedShards.Pin(shards, present, shardPtrs);
        try
        {
            fixed (byte* dst = destination)
            {
                for (int stripe = 0; stripe < stripes; stripe++)
                {
                    BlockMask presentBlocks = default, wanted = default;
                    for (int b = 0; b < TotalShards; b++)
                        if (present[Layout.ShardOf(stripe, b, k, r)]) presentBlocks.Set(b);
                    for (int i = 0; i < k; i++)
                        if (!presentBlocks.Contains(i) && ((long)stripe * k + i) * block < objectLength) wanted.Set(i);
                    DecodePlan? plan = wanted.IsEmpty ? null : GetPlan(presentBlocks, wanted);

                    for (int offset = 0; offset < block; offset += SegmentBytes)
                    {
                        int length = Math.Min(SegmentBytes, block - offset);
                        long stripeBase = (long)stripe * block + offset;
                        if (plan is not null)
                        {
                            for (int i = 0; i < k; i++) inputs[i] = shardPtrs[Layout.ShardOf(stripe, plan.Inputs[i], k, r)] + stripeBase;
                            bool anyPartial = false;
                            for (int o = 0; o < plan.Outputs.Length; o++)
                            {
                                long objectOffset = ((long)stripe * k + plan.Outputs[o]) * block + offset;
                                if (objectOffset + length <= objectLength) { outputs[o] = dst + objectOffset; continue; }
                                anyPartial = true;
                                if (scratch is null)
                                {
                                    scratch = ArrayPool<byte>.Shared.Rent(Math.Min(block, SegmentBytes) * k);
                                    scratchPin = scratch.AsMemory().Pin();
                                }
                                outputs[o] = (byte*)scratchPin.Pointer + (long)o * Math.Min(block, SegmentBytes);
                            }
                            plan.Program.Execute(inputs, outputs, length);
                            if (anyPartial)
                            {
                                for (int o = 0; o < plan.Outputs.Length; o++)
                                {
                                    long objectOffset = ((long)stripe * k + plan.Outputs[o]) * block + offset;
                                    long available = Math.Clamp(objectLength - objectOffset, 0, length);
                                    if (available < length && available > 0) Buffer.MemoryCopy(outputs[o], dst + objectOffset, available, available);
                                }
                            }
                        }
                        for (int i = 0; i < k; i++)
                        {
                            if (!presentBlocks.Contains(i)) continue;
                            long objectOffset = ((long)stripe * k + i) * block + offset;
                            long available = Math.Clamp(objectLength - objectOffset, 0, length);
                            if (available > 0)
                                Buffer.MemoryCopy(shardPtrs[Layout.ShardOf(stripe, i, k, r)] + stripeBase, dst + objectOffset, available, available);
                        }
                    }
                }
            }
        }
        finally
        {
            scratchPin.Dispose();
            if (scratch is not null) ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    public void Reconstruct(ReadOnlySpan<Memory<byte>> shards, ReadOnlySpan<bool> present, bool dataOnly = false)
    {
        ShardArguments.ValidateCount(this, shards.Length, nameof(shards));
        int missing = ShardArguments.CountMissing(this, present);
        int shardLength = ValidateShardLength(ShardArguments.ValidateLengths(this, shards, present, -1, checkMissing: false, ShardArguments.LengthOf));
        for (int i = 0; i < shards.Length; i++)
            if (!present[i] && shards[i].Length != shardLength)
                throw new ArgumentException($"{Name}: missing shard {i} has a {shards[i].Length}-byte buffer but the shards are {shardLength} bytes.", nameof(shards));
        if (missing == 0 || shardLength == 0) return;

        int k = DataShards, r = ParityShards, block = BlockLength(shardLength);
        byte** shardPtrs = stackalloc byte*[TotalShards];
        byte** inputs = stackalloc byte*[k];
        byte** outputs = stackalloc byte*[TotalShards];
        using var pins = PinnedShards.Pin(shards, shardPtrs);
        for (int stripe = 0; stripe < shardLength / block; stripe++)
        {
            BlockMask presentBlocks = default, wanted = default;
            for (int b = 0; b < TotalShards; b++)
            {
                int shard = Layout.ShardOf(stripe, b, k, r);
                if (present[shard]) presentBlocks.Set(b);
                else if (!dataOnly || shard < k) wanted.Set(b);
            }
            if (wanted.IsEmpty) continue;
            var plan = GetPlan(presentBlocks, wanted);
            for (int offset = 0; offset < block; offset += SegmentBytes)
            {
                int length = Math.Min(SegmentBytes, block - offset);
                long stripeBase = (long)stripe * block + offset;
                for (int i = 0; i < k; i++) inputs[i] = shardPtrs[Layout.ShardOf(stripe, plan.Inputs[i], k, r)] + stripeBase;
                for (int o = 0; o < plan.Outputs.Length; o++) outputs[o] = shardPtrs[Layout.ShardOf(stripe, plan.Outputs[o], k, r)] + stripeBase;
                plan.Program.Execute(inputs, outputs, length);
            }
        }
    }

    public bool Verify(ReadOnlySpan<ReadOnlyMemory<byte>> shards)
    {
        ShardArguments.ValidateCount(this, shards.Length, nameof(shards));
        int shardLength = ValidateShardLength(ShardArguments.ValidateLengths(this, shards, default, -1, checkMissing: true, ShardArguments.LengthOf));
        if (shardLength == 0 || _encode is null) return true;

        int k = DataShards, r = ParityShards, block = BlockLength(shardLength);
        int segment = Math.Min(block, SegmentBytes);
        byte** shardPtrs = stackalloc byte*[TotalShards];
        byte** inputs = stackalloc byte*[k];
        byte** outputs = stackalloc byte*[r];
        byte[] scratch = ArrayPool<byte>.Shared.Rent(segment * r);
        using var pins = PinnedShards.Pin(shards, default, shardPtrs);
        try
        {
            fixed (byte* s = scratch)
            {
                for (int p = 0; p < r; p++) outputs[p] = s + (long)p * segment;
                for (int stripe = 0; stripe < shardLength / block; stripe++)
                {
                    for (int offset = 0; offset < block; offset += SegmentBytes)
                    {
                        int length = Math.Min(SegmentBytes, block - offset);
                        long stripeBase = (long)stripe * block + offset;
                        for (int i = 0; i < k; i++) inputs[i] = shardPtrs[Layout.ShardOf(stripe, i, k, r)] + stripeBase;
                        _encode.Execute(inputs, outputs, length);
                        for (int p = 0; p < r; p++)
                        {
                            var expected = new ReadOnlySpan<byte>(outputs[p], length);
                            var actual = new ReadOnlySpan<byte>(shardPtrs[Layout.ShardOf(stripe, k + p, k, r)] + stripeBase, length);
                            if (!expected.SequenceEqual(actual)) return false;
                        }
                    }
                }
            }
            return true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    public override string ToString() => Name;

    private int BlockLength(int shardLength) => StripeUnit > 0 ? StripeUnit : shardLength;

    private int ValidateShardLength(int shardLength)
    {
        if (StripeUnit > 0 && shardLength % StripeUnit != 0)
            throw new ArgumentException($"{Name}: shards of {shardLength} bytes are not a whole number of {StripeUnit}-byte stripe units.", "shards");
        return shardLength;
    }

    private DecodePlan GetPlan(BlockMask present, BlockMask wanted) =>
        _plans.GetOrAdd((present, wanted), static (key, codec) => codec.BuildPlan(key.Present, key.Wanted), this);

    /// <summary>
    /// Picks the first k present blocks as inputs, inverts their generator rows, and derives a row per
    /// wanted block: the inverse's row for a data block, the generator row times the inverse for parity.
    /// </summary>
    private DecodePlan BuildPlan(BlockMask present, BlockMask wanted)
    {
        int k = DataShards, n = TotalShards;
        var inputs = new int[k];
        int count = 0;
        for (int b = 0; b < n && count < k; b++)
            if (present.Contains(b)) inputs[count++] = b;
        if (count < k) throw new TooManyErasuresException(Name, n - count, ParityShards);

        var sub = new byte[k * k];
        for (int i = 0; i < k; i++) _generator.AsSpan(inputs[i] * k, k).CopyTo(sub.AsSpan(i * k));
        var inverse = new byte[k * k];
        if (!GaloisMatrix.TryInvert(sub, k, inverse))
            throw new ErasureCodingException($"{Name}: the generator rows of blocks [{string.Join(",", inputs)}] are singular; this erasure pattern cannot be decoded.");

        var outputs = Enumerable.Range(0, n).Where(wanted.Contains).ToArray();
        var rows = new byte[outputs.Length * k];
        for (int o = 0; o < outputs.Length; o++)
        {
            int block = outputs[o];
            if (block < k) inverse.AsSpan(block * k, k).CopyTo(rows.AsSpan(o * k));
            else GaloisMatrix.MultiplyRow(_generator.AsSpan(block * k, k), inverse, k, rows.AsSpan(o * k, k));
        }
        return new DecodePlan(inputs, outputs, new CodingProgram(Kernel, rows, outputs.Length, k));
    }

    private sealed record DecodePlan(int[] Inputs, int[] Outputs, CodingProgram Program);
}
