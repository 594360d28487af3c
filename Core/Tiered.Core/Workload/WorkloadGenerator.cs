using System.Globalization;

namespace Tiered.Workload;

/// <summary>
/// Generates a seeded, deterministic synthetic trace with the IBM Docker registry statistics of DESIGN §1.
/// </summary>
/// <remarks>
/// <para>The model, in order of the draws (each phase has its own random stream derived from the seed):</para>
/// <list type="number">
/// <item>Population: <see cref="WorkloadOptions.ObjectCount"/> keys; exactly round(count × LargeObjectFraction) are large.
/// Sizes are stratified draws from <see cref="ObjectSizeModel"/> shuffled over the keys.</item>
/// <item>Reuse: exactly round(ReuseFraction × n) objects of each size class are reused; the others are one-shot.</item>
/// <item>Popularity: reused objects get a random Zipf rank; each gets 2 accesses, and the remaining
/// RequestCount − ObjectCount − reused requests go to reused objects with probability ∝ rank^-ZipfExponent.</item>
/// <item>Time: a one-shot object's access is uniform over [0, Duration); a reused object picks a window of
/// min(ReuseWindow, Duration) inside the trace and its accesses are uniform in it (a Poisson process conditioned on
/// its count), so every reuse interval is shorter than the window. The merged stream has near-exponential inter-arrivals.</item>
/// <item>Operations: the first access to a key is a PUT (the registry's miss-and-fill); a later access is a DELETE with
/// probability DeleteFraction, a re-PUT with probability UpdateFraction, else a GET; the access after a DELETE is a PUT.</item>
/// </list>
/// <para>Generation costs O(objects + requests log requests) time and 13 bytes per request; payloads are never made.</para>
/// </remarks>
public sealed class WorkloadGenerator
{
    private readonly WorkloadObject[] _objects;
    private readonly long[] _ticks;
    private readonly int[] _objectOfRequest;
    private readonly WorkloadOp[] _ops;

    /// <summary>Builds the whole trace (validating <paramref name="options"/> first).</summary>
    /// <exception cref="WorkloadOptionsException">An option is out of range.</exception>
    public WorkloadGenerator(WorkloadOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options.Validate();

        int count = options.ObjectCount;
        long[] sizes = new long[count];
        bool[] isLarge = new bool[count];
        DrawSizes(options, sizes, isLarge);

        bool[] isReused = new bool[count];
        int[] reused = PickReused(options, isLarge, isReused);
        int[] accesses = DrawAccessCounts(options, reused);

        _objects = new WorkloadObject[count];
        int width = Math.Max(6, (count - 1).ToString(CultureInfo.InvariantCulture).Length);
        for (int i = 0; i < count; i++)
        {
            string key = "blob/" + i.ToString("D" + width.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
            _objects[i] = new WorkloadObject(key, ObjectSizeModel.Scale(sizes[i], isLarge[i], options), accesses[i], isReused[i]);
        }

        (_ticks, _objectOfRequest) = DrawTimes(options, accesses, isReused);
        _ops = AssignOps(options, _objectOfRequest, count);
    }

    /// <summary>Creates the generator and returns its requests.</summary>
    public static IReadOnlyList<WorkloadRequest> Generate(WorkloadOptions options) => new WorkloadGenerator(options).ToList();

    /// <summary>The validated options.</summary>
    public WorkloadOptions Options { get; }

    /// <summary>The object population, indexed by the number in the key.</summary>
    public IReadOnlyList<WorkloadObject> Objects => _objects;

    /// <summary>Number of requests.</summary>
    public int RequestCount => _ticks.Length;

    /// <summary>Sum of the sizes of all objects (the trace's storage footprint).</summary>
    public long FootprintBytes => _objects.Sum(o => o.Size);

    /// <summary>The request at <paramref name="index"/> (0 ≤ index &lt; <see cref="RequestCount"/>).</summary>
    public WorkloadRequest this[int index]
    {
        get
        {
            WorkloadObject o = _objects[_objectOfRequest[index]];
            return new WorkloadRequest(TimeSpan.FromTicks(_ticks[index]), o.Key, o.Size, _ops[index]);
        }
    }

    /// <summary>Streams the requests in time order (re-enumerating gives the same sequence).</summary>
    public IEnumerable<WorkloadRequest> Requests()
    {
        for (int i = 0; i < _ticks.Length; i++) yield return this[i];
    }

    /// <summary>The requests in time order, in one list.</summary>
    public List<WorkloadRequest> ToList()
    {
        var list = new List<WorkloadRequest>(_ticks.Length);
        for (int i = 0; i < _ticks.Length; i++) list.Add(this[i]);
        return list;
    }

    private static void DrawSizes(WorkloadOptions options, long[] sizes, bool[] isLarge)
    {
        var random = WorkloadRandom.ForPhase(options.Seed, 1);
        int large = options.LargeObjectCount;
        int small = sizes.Length - large;
        ObjectSizeModel.FillSmall(sizes.AsSpan(0, small), options.MinObjectBytes, options.LargeObjectThresholdBytes, ref random);
        ObjectSizeModel.FillLarge(sizes.AsSpan(small), options.LargeObjectThresholdBytes, options.MaxObjectBytes, options.LargeObjectTailExponent, ref random);
        isLarge.AsSpan(small).Fill(true);
        // Shuffle sizes and class flags together, so neither key order nor popularity correlates with size.
        for (int i = sizes.Length - 1; i > 0; i--)
        {
            int j = random.NextInt(i + 1);
            (sizes[i], sizes[j]) = (sizes[j], sizes[i]);
            (isLarge[i], isLarge[j]) = (isLarge[j], isLarge[i]);
        }
    }

    private static int[] PickReused(WorkloadOptions options, bool[] isLarge, bool[] isReused)
    {
        var random = WorkloadRandom.ForPhase(options.Seed, 2);
        var reused = new List<int>(options.ReusedObjectCount);
        foreach (bool largeClass in new[] { true, false })
        {
            int[] members = Enumerable.Range(0, isLarge.Length).Where(i => isLarge[i] == largeClass).ToArray();
            random.Shuffle(members.AsSpan());
            int take = (int)Math.Round(members.Length * options.ReuseFraction);
            for (int k = 0; k < take; k++)
            {
                isReused[members[k]] = true;
                reused.Add(members[k]);
            }
        }
        int[] byRank = reused.ToArray();
        random.Shuffle(byRank.AsSpan()); // byRank[r] is the object of popularity rank r+1
        return byRank;
    }

    private static int[] DrawAccessCounts(WorkloadOptions options, int[] reusedByRank)
    {
        int[] accesses = new int[options.ObjectCount];
        accesses.AsSpan().Fill(1);
        if (reusedByRank.Length == 0) return accesses;
        foreach (int o in reusedByRank) accesses[o] = 2;
        long extra = (long)options.RequestCount - options.ObjectCount - reusedByRank.Length;
        var random = WorkloadRandom.ForPhase(options.Seed, 3);
        var zipf = new ZipfPopularity(reusedByRank.Length, options.ZipfExponent);
        for (long n = 0; n < extra; n++) accesses[reusedByRank[zipf.NextRank(ref random)]]++;
        return accesses;
    }

    private static (long[] Ticks, int[] Objects) DrawTimes(WorkloadOptions options, int[] accesses, bool[] isReused)
    {
        var random = WorkloadRandom.ForPhase(options.Seed, 4);
        long durationTicks = options.Duration.Ticks;
        long windowTicks = Math.Min(options.ReuseWindow.Ticks, durationTicks);
        long[] ticks = new long[options.RequestCount];
        int[] objects = new int[options.RequestCount];
        int next = 0;
        for (int o = 0; o < accesses.Length; o++)
        {
            long start = 0, span = durationTicks;
            if (isReused[o])
            {
                start = random.NextLong(durationTicks - windowTicks + 1);
                span = windowTicks;
            }
            for (int a = 0; a < accesses[o]; a++)
            {
                ticks[next] = start + random.NextLong(span);
                objects[next++] = o;
            }
        }
        Array.Sort(ticks, objects);
        return (ticks, objects);
    }

    private static WorkloadOp[] AssignOps(WorkloadOptions options, int[] objectOfRequest, int objectCount)
    {
        var random = WorkloadRandom.ForPhase(options.Seed, 5);
        var ops = new WorkloadOp[objectOfRequest.Length];
        bool[] present = new bool[objectCount];
        bool mutates = options.UpdateFraction > 0 || options.DeleteFraction > 0;
        for (int i = 0; i < ops.Length; i++)
        {
            int o = objectOfRequest[i];
            if (!present[o])
            {
                ops[i] = WorkloadOp.Put;
                present[o] = true;
                continue;
            }
            if (!mutates) continue; // WorkloadOp.Get is the default value
            double u = random.NextDouble();
            if (u < options.DeleteFraction)
            {
                ops[i] = WorkloadOp.Delete;
                present[o] = false;
            }
            else if (u < options.DeleteFraction + options.UpdateFraction)
            {
                ops[i] = WorkloadOp.Put;
            }
        }
        return ops;
    }
}
