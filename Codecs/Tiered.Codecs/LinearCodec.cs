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

    private const int MaxCachedPlans = 4096;

    /// <summary>Object bytes handled per chunk of stripes in striped encode/decode.</summary>
    private const int ChunkBytes = 256 * 1024;

    private readonly byte[] _generator;
    private readonly int[][] _stripeMaps;
    private readonly CodingProgram? _encode;
    private readonly ConcurrentDictionary<(BlockMask Present, BlockMask Wanted), DecodePlan> _plans = new();
    private readonly ConcurrentDictionary<(BlockMask PresentShards, PlanPurpose Purpose), DecodePlan?[]> _phasePlans = new();

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
        _stripeMaps = new int[stripeUnit > 0 ? layout.Period(TotalShards) : 1][];
        for (int phase = 0; phase < _stripeMaps.Length; phase++)
            _stripeMaps[phase] = Enumerable.Range(0, TotalShards).Select(b => layout.ShardOf(phase, b, dataShards, parityShards)).ToArray();
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
    public bool IsContiguous => IsSystematic && StripeUnit == 0;
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

        int k = DataShards, r = ParityShards, unit = UnitLength(shardLength);
        byte** shardPtrs = stackalloc byte*[TotalShards];
        byte** inputs = stackalloc byte*[k];
        byte** outputs = stackalloc byte*[Math.Max(r, 1)];
        using var pins = PinnedShards.Pin(shards, shardPtrs);
        fixed (byte* src = source)
        {
            if (!IsRotating)
            {
                // Every data block of a segment is copied and its parity computed while the segment is in cache.
                int[] map = _stripeMaps[0];
                for (int offset = 0; offset < shardLength; offset += SegmentBytes)
                {
                    int length = Math.Min(SegmentBytes, shardLength - offset);
                    for (int i = 0; i < k; i++)
                    {
                        inputs[i] = shardPtrs[map[i]] + offset;
                        CopyFromObject(src, source.Length, inputs[i], i, offset, length, unit);
                    }
                    if (_encode is null) continue;
                    for (int p = 0; p < r; p++) outputs[p] = shardPtrs[map[k + p]] + offset;
                    _encode!.Execute(inputs, outputs, length);
                }
                return;
            }

            int stripes = shardLength / unit, chunk = ChunkStripes(unit);
            for (int first = 0; first < stripes; first += chunk)
            {
                int last = Math.Min(first + chunk, stripes);
                for (int stripe = first; stripe < last; stripe++)
                {
                    int[] map = MapOf(stripe);
                    for (int i = 0; i < k; i++)
                        CopyFromObject(src, source.Length, shardPtrs[map[i]] + (long)stripe * unit, i, (long)stripe * unit, unit, unit);
                }
                foreach (var batch in new StripeBatches(this, first, last, unit))
                {
                    int[] map = _stripeMaps[batch.Phase];
                    for (int i = 0; i < k; i++) inputs[i] = shardPtrs[map[i]] + batch.Offset;
                    for (int p = 0; p < r; p++) outputs[p] = shardPtrs[map[k + p]] + batch.Offset;
                    _encode!.Execute(inputs, outputs, batch.Length, batch.Count, batch.Stride);
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

        int k = DataShards, r = ParityShards;
        byte** shardPtrs = stackalloc byte*[TotalShards];
        byte** inputs = stackalloc byte*[k];
        byte** outputs = stackalloc byte*[r];
        using var pins = PinnedShards.Pin(shards, shardPtrs);
        foreach (var batch in Batches(shardLength))
        {
            int[] map = _stripeMaps[batch.Phase];
            for (int i = 0; i < k; i++) inputs[i] = shardPtrs[map[i]] + batch.Offset;
            for (int p = 0; p < r; p++) outputs[p] = shardPtrs[map[k + p]] + batch.Offset;
            _encode.Execute(inputs, outputs, batch.Length, batch.Count, batch.Stride);
        }
    }

    public void Decode(ReadOnlySpan<ReadOnlyMemory<byte>> shards, ReadOnlySpan<bool> present, Span<byte> destination)
    {
        ShardArguments.ValidateCount(this, shards.Length, nameof(shards));
        ShardArguments.CountMissing(this, present);
        int shardLength = ShardSize(destination.Length);
        ShardArguments.ValidateLengths(this, shards, present, shardLength, checkMissing: false, ShardArguments.LengthOf);
        if (destination.Length == 0) return;

        byte** shardPtrs = stackalloc byte*[TotalShards];
        using var pins = PinnedShards.Pin(shards, present, shardPtrs);
        fixed (byte* dst = destination)
        {
            if (StripeUnit == 0) DecodeUnstriped(shardPtrs, present, dst, destination.Length, shardLength);
            else DecodeStriped(shardPtrs, present, dst, destination.Length, shardLength);
        }
    }

    /// <summary>One tall stripe: data shard i is object bytes [i·S, (i+1)·S), so lost data is rebuilt straight into the destination.</summary>
    private void DecodeUnstriped(byte** shardPtrs, ReadOnlySpan<bool> present, byte* dst, long objectLength, int shardLength)
    {
        int k = DataShards;
        int[] map = _stripeMaps[0];
        BlockMask presentBlocks = default, wanted = default;
        for (int b = 0; b < TotalShards; b++)
            if (present[map[b]]) presentBlocks.Set(b);
        for (int i = 0; i < k; i++)
            if (!presentBlocks.Contains(i) && (long)i * shardLength < objectLength) wanted.Set(i);
        DecodePlan? plan = wanted.IsEmpty ? null : GetPlan(presentBlocks, wanted);

        byte** inputs = stackalloc byte*[k];
        byte** outputs = stackalloc byte*[k];
        byte[]? scratch = null;
        MemoryHandle scratchPin = default;
        try
        {
            for (int offset = 0; offset < shardLength; offset += SegmentBytes)
            {
                int length = Math.Min(SegmentBytes, shardLength - offset);
                if (plan is not null)
                {
                    for (int i = 0; i < k; i++) inputs[i] = shardPtrs[map[plan.Inputs[i]]] + offset;
                    bool anyPartial = false;
                    for (int o = 0; o < plan.Outputs.Length; o++)
                    {
                        long objectOffset = (long)plan.Outputs[o] * shardLength + offset;
                        if (objectOffset + length <= objectLength) { outputs[o] = dst + objectOffset; continue; }
                        anyPartial = true;
                        if (scratch is null)
                        {
                            scratch = ArrayPool<byte>.Shared.Rent(SegmentBytes * k);
                            scratchPin = scratch.AsMemory().Pin();
                        }
                        outputs[o] = (byte*)scratchPin.Pointer + (long)o * SegmentBytes;
                    }
                    plan.Program.Execute(inputs, outputs, length);
                    if (anyPartial)
                    {
                        for (int o = 0; o < plan.Outputs.Length; o++)
                        {
                            long objectOffset = (long)plan.Outputs[o] * shardLength + offset;
                            long available = Math.Clamp(objectLength - objectOffset, 0, length);
                            if (available < length && available > 0) Buffer.MemoryCopy(outputs[o], dst + objectOffset, available, available);
                        }
                    }
                }
                for (int i = 0; i < k; i++)
                {
                    if (!present[map[i]]) continue;
                    long objectOffset = (long)i * shardLength + offset;
                    long available = Math.Clamp(objectLength - objectOffset, 0, length);
                    if (available > 0) Buffer.MemoryCopy(shardPtrs[map[i]] + offset, dst + objectOffset, available, available);
                }
            }
        }
        finally
        {
            scratchPin.Dispose();
            if (scratch is not null) ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    /// <summary>
    /// Striped layouts, a cache-sized chunk of stripes at a time: lost data blocks are rebuilt phase by phase
    /// into scratch laid out like the shards (so one kernel call covers every stripe of a phase), then every
    /// data block is copied to its place in the object.
    /// </summary>
    private void DecodeStriped(byte** shardPtrs, ReadOnlySpan<bool> present, byte* dst, long objectLength, int shardLength)
    {
        int k = DataShards, unit = StripeUnit;
        long stripeBytes = (long)unit * k;
        int stripes = (int)((objectLength + stripeBytes - 1) / stripeBytes);
        int chunk = ChunkStripes(unit);
        int missingShards = 0;
        for (int i = 0; i < TotalShards; i++) if (!present[i]) missingShards++;

        var plans = GetPhasePlans(present, PlanPurpose.DecodeData);

        long scratchRow = (long)chunk * unit;
        byte[]? scratch = missingShards == 0 ? null : ArrayPool<byte>.Shared.Rent(checked((int)(scratchRow * missingShards)));
        MemoryHandle scratchPin = scratch is null ? default : scratch.AsMemory().Pin();
        byte* scratchBase = (byte*)scratchPin.Pointer;
        byte** inputs = stackalloc byte*[k];
        byte** outputs = stackalloc byte*[Math.Max(missingShards, 1)];
        try
        {
            for (int first = 0; first < stripes; first += chunk)
            {
                int last = Math.Min(first + chunk, stripes);
                if (scratch is not null)
                {
                    foreach (var batch in new StripeBatches(this, first, last, unit))
                    {
                        var plan = plans[batch.Phase];
                        if (plan is null) continue;
                        int[] map = _stripeMaps[batch.Phase];
                        for (int i = 0; i < k; i++) inputs[i] = shardPtrs[map[plan.Inputs[i]]] + batch.Offset;
                        for (int o = 0; o < plan.Outputs.Length; o++) outputs[o] = scratchBase + o * scratchRow + (batch.Offset - (long)first * unit);
                        plan.Program.Execute(inputs, outputs, batch.Length, batch.Count, batch.Stride);
                    }
                }
                for (int stripe = first; stripe < last; stripe++)
                {
                    int[] map = MapOf(stripe);
                    var plan = plans[stripe % plans.Length];
                    for (int i = 0; i < k; i++)
                    {
                        long objectOffset = ((long)stripe * k + i) * unit;
                        long available = Math.Clamp(objectLength - objectOffset, 0, unit);
                        if (available <= 0) break;
                        byte* from = present[map[i]]
                            ? shardPtrs[map[i]] + (long)stripe * unit
                            : scratchBase + Array.IndexOf(plan!.Outputs, i) * scratchRow + (long)(stripe - first) * unit;
                        Buffer.MemoryCopy(from, dst + objectOffset, available, available);
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

        int k = DataShards;
        var plans = GetPhasePlans(present, dataOnly ? PlanPurpose.RebuildDataShards : PlanPurpose.RebuildAllShards);

        byte** shardPtrs = stackalloc byte*[TotalShards];
        byte** inputs = stackalloc byte*[k];
        byte** outputs = stackalloc byte*[TotalShards];
        using var pins = PinnedShards.Pin(shards, shardPtrs);
        foreach (var batch in Batches(shardLength))
        {
            var plan = plans[batch.Phase];
            if (plan is null) continue;
            int[] map = _stripeMaps[batch.Phase];
            for (int i = 0; i < k; i++) inputs[i] = shardPtrs[map[plan.Inputs[i]]] + batch.Offset;
            for (int o = 0; o < plan.Outputs.Length; o++) outputs[o] = shardPtrs[map[plan.Outputs[o]]] + batch.Offset;
            plan.Program.Execute(inputs, outputs, batch.Length, batch.Count, batch.Stride);
        }
    }

    public bool Verify(ReadOnlySpan<ReadOnlyMemory<byte>> shards)
    {
        ShardArguments.ValidateCount(this, shards.Length, nameof(shards));
        int shardLength = ValidateShardLength(ShardArguments.ValidateLengths(this, shards, default, -1, checkMissing: true, ShardArguments.LengthOf));
        if (shardLength == 0 || _encode is null) return true;

        int k = DataShards, r = ParityShards, block = CodingBlock(shardLength);
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
                    int[] map = MapOf(stripe);
                    for (int offset = 0; offset < block; offset += SegmentBytes)
                    {
                        int length = Math.Min(SegmentBytes, block - offset);
                        long at = (long)stripe * block + offset;
                        for (int i = 0; i < k; i++) inputs[i] = shardPtrs[map[i]] + at;
                        _encode.Execute(inputs, outputs, length);
                        for (int p = 0; p < r; p++)
                        {
                            var expected = new ReadOnlySpan<byte>(outputs[p], length);
                            var actual = new ReadOnlySpan<byte>(shardPtrs[map[k + p]] + at, length);
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

    /// <summary>The bytes of one block of one stripe: the stripe unit, or the whole shard when unstriped.</summary>
    private int UnitLength(int shardLength) => StripeUnit > 0 ? StripeUnit : shardLength;

    /// <summary>
    /// The height over which one set of block-to-shard pointers holds. With a fixed layout every stripe puts
    /// block b on shard b at the same offset, so the code applies to whole shards at once, stripes or not.
    /// </summary>
    private int CodingBlock(int shardLength) => IsRotating ? StripeUnit : shardLength;

    /// <summary>Whether the block-to-shard map changes from stripe to stripe (RAID-5/6).</summary>
    private bool IsRotating => _stripeMaps.Length > 1;

    /// <summary>Stripes handled together: a whole number of layout periods holding about <see cref="ChunkBytes"/> of data.</summary>
    private int ChunkStripes(int unit)
    {
        int period = _stripeMaps.Length;
        long periods = Math.Max(1, ChunkBytes / ((long)unit * DataShards * period));
        return (int)Math.Min(periods * period, int.MaxValue / 2);
    }

    /// <summary>The kernel calls that cover whole shards of <paramref name="shardLength"/> bytes.</summary>
    private StripeBatches Batches(int shardLength) =>
        IsRotating ? new StripeBatches(this, 0, shardLength / StripeUnit, StripeUnit) : StripeBatches.Tall(shardLength, SegmentBytes);

    private int[] MapOf(int stripe) => _stripeMaps[stripe % _stripeMaps.Length];

    /// <summary>
    /// Copies the bytes of data block <paramref name="index"/> for shard range [offset, offset+length) out of the
    /// object, zero-filling what lies past its end. The range may span several stripes (fixed layouts only).
    /// </summary>
    private void CopyFromObject(byte* source, long objectLength, byte* destination, int index, long offset, int length, int unit)
    {
        long end = offset + length;
        for (long position = offset; position < end;)
        {
            long stripe = position / unit;
            int within = (int)(position - stripe * unit);
            int piece = (int)Math.Min(unit - within, end - position);
            long objectOffset = (stripe * DataShards + index) * unit + within;
            long available = Math.Clamp(objectLength - objectOffset, 0, piece);
            byte* target = destination + (position - offset);
            if (available > 0) Buffer.MemoryCopy(source + objectOffset, target, piece, available);
            if (available < piece) new Span<byte>(target + available, (int)(piece - available)).Clear();
            position += piece;
        }
    }

    private int ValidateShardLength(int shardLength)
    {
        if (StripeUnit > 0 && shardLength % StripeUnit != 0)
            throw new ArgumentException($"{Name}: shards of {shardLength} bytes are not a whole number of {StripeUnit}-byte stripe units.", "shards");
        return shardLength;
    }

    /// <summary>What a set of per-phase plans rebuilds.</summary>
    private enum PlanPurpose
    {
        /// <summary>The missing data blocks of every stripe (object decode).</summary>
        DecodeData,
        /// <summary>Every block of every missing shard.</summary>
        RebuildAllShards,
        /// <summary>Every block of the missing shards 0..k-1 only.</summary>
        RebuildDataShards,
    }

    /// <summary>The plan of each layout phase for a shard presence pattern, cached so a call allocates nothing.</summary>
    private DecodePlan?[] GetPhasePlans(ReadOnlySpan<bool> present, PlanPurpose purpose)
    {
        BlockMask presentShards = default;
        for (int i = 0; i < present.Length; i++) if (present[i]) presentShards.Set(i);
        if (_phasePlans.TryGetValue((presentShards, purpose), out var cached)) return cached;

        int k = DataShards;
        var plans = new DecodePlan?[_stripeMaps.Length];
        for (int phase = 0; phase < plans.Length; phase++)
        {
            int[] map = _stripeMaps[phase];
            BlockMask presentBlocks = default, wanted = default;
            for (int b = 0; b < TotalShards; b++)
            {
                if (presentShards.Contains(map[b])) presentBlocks.Set(b);
                else if (purpose == PlanPurpose.RebuildAllShards || (purpose == PlanPurpose.RebuildDataShards && map[b] < k)
                    || (purpose == PlanPurpose.DecodeData && b < k)) wanted.Set(b);
            }
            plans[phase] = wanted.IsEmpty ? null : GetPlan(presentBlocks, wanted);
        }
        if (_phasePlans.Count >= MaxCachedPlans) _phasePlans.Clear();
        return _phasePlans.GetOrAdd((presentShards, purpose), plans);
    }

    private DecodePlan GetPlan(BlockMask present, BlockMask wanted)
    {
        if (_plans.TryGetValue((present, wanted), out var plan)) return plan;
        // Wide codes have astronomically many erasure patterns: keep the cache bounded.
        if (_plans.Count >= MaxCachedPlans) _plans.Clear();
        return _plans.GetOrAdd((present, wanted), static (key, codec) => codec.BuildPlan(key.Present, key.Wanted), this);
    }

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

    /// <summary>One kernel call: <see cref="Count"/> blocks of <see cref="Length"/> bytes, <see cref="Stride"/> apart, from <see cref="Offset"/>.</summary>
    private readonly record struct StripeBatch(int Phase, long Offset, int Length, int Count, nint Stride);

    /// <summary>
    /// The kernel calls covering stripes [first, last): for a rotating layout, one per phase (every stripe
    /// whose block-to-shard map is the same, <c>period × unit</c> bytes apart); for a tall stripe, its segments.
    /// </summary>
    private struct StripeBatches
    {
        private readonly int _period, _first, _last, _unit;
        private readonly long _tallLength;
        private int _phase;

        public StripeBatches(LinearCodec codec, int first, int last, int unit)
        {
            _period = codec._stripeMaps.Length;
            _first = first;
            _last = last;
            _unit = unit;
            _phase = -1;
        }

        private StripeBatches(long tallLength, int segment)
        {
            _tallLength = tallLength;
            _unit = segment;
            _phase = -1;
        }

        public static StripeBatches Tall(int shardLength, int segment) => new(shardLength, segment);

        public StripeBatch Current { get; private set; }

        public readonly StripeBatches GetEnumerator() => this;

        public bool MoveNext()
        {
            if (_tallLength > 0)
            {
                // Phase 0 covers the whole segments, phase 1 the tail segment if any.
                int full = (int)(_tallLength / _unit);
                int tail = (int)(_tallLength - (long)full * _unit);
                while (++_phase < 2)
                {
                    if (_phase == 0 && full > 0) { Current = new(0, 0, _unit, full, _unit); return true; }
                    if (_phase == 1 && tail > 0) { Current = new(0, (long)full * _unit, tail, 1, 0); return true; }
                }
                return false;
            }
            while (++_phase < _period)
            {
                int start = _first + _phase;
                if (start >= _last) return false;
                int count = (_last - start + _period - 1) / _period;
                // Stripe `start` has phase (start mod period); the chunk starts on a period boundary.
                Current = new(start % _period, (long)start * _unit, _unit, count, (nint)_period * _unit);
                return true;
            }
            return false;
        }
    }
}
