using System.Collections.Concurrent;
using Tiered.Nodes;
using Tiered.Proxy;

namespace Tiered.Cli.Replay;

/// <summary>
/// The <c>reclaim-r</c> fault: before a GET, with some probability, reclaims up to r of the instances holding that
/// object's chunks — but never an instance whose loss would leave any object that will still be read with more than
/// r chunks missing since it was last read (and so repaired). Whether a chunk is present is read from the nodes'
/// stores (the ground truth): the instance a function's next request reaches (<see cref="ReplayTier.PrimaryNodeOf"/>),
/// counting a function whose primary is not known as missing, which is conservative. Reclaiming a function takes every
/// instance it has, its backup peer too.
/// An instance blocked only by damaged objects is left alone, and those objects are read once in the background
/// ("scrub" reads, not counted as workload requests) so the proxy repairs them and later faults can proceed.
/// </summary>
internal sealed class ReclaimInjector
{
    private const int MaxScrubsInFlight = 4;
    private const int CandidatesPerFault = 4;
    private const int ScrubsPerBlockedCandidate = 8;

    private readonly ReplayTier _tier;
    private readonly int _r;
    private readonly double _probability;
    private readonly Random _random;
    private readonly Func<string, bool> _hasFutureAccess;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, HashSet<string>> _keysOnNode = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _reclaimsDuringPut = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string[]> _placementOf = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _scrubbing = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _scrubSlots = new(MaxScrubsInFlight);
    private readonly List<Task> _scrubs = [];
    private long _faults, _instancesReclaimed, _blocked, _scrubReads;

    public ReclaimInjector(ReplayTier tier, double probability, int seed, Func<string, bool> hasFutureAccess)
    {
        _tier = tier;
        _r = tier.Codec.ParityShards;
        _probability = probability;
        _random = new Random(seed);
        _hasFutureAccess = hasFutureAccess;
        foreach (string node in tier.Platform.Functions) _keysOnNode[node] = new HashSet<string>(StringComparer.Ordinal);
    }

    /// <summary>GETs that were preceded by at least one reclaim.</summary>
    public long Faults => Interlocked.Read(ref _faults);

    /// <summary>Instances reclaimed.</summary>
    public long InstancesReclaimed => Interlocked.Read(ref _instancesReclaimed);

    /// <summary>Candidate instances left alone because reclaiming them could lose more than r chunks of some object.</summary>
    public long Blocked => Interlocked.Read(ref _blocked);

    /// <summary>Background reads issued so that the proxy repairs damaged objects.</summary>
    public long ScrubReads => Interlocked.Read(ref _scrubReads);

    /// <summary>A PUT of the key is starting: reclaims during it count against its chunks.</summary>
    public void PutStarting(string key) => _reclaimsDuringPut[key] = 0;

    /// <summary>A PUT of the key ended; when it stored the object, its nodes are indexed.</summary>
    public void PutEnded(string key)
    {
        _reclaimsDuringPut.TryRemove(key, out _);
        if (_tier.Proxy.Lookup(key) is not { } entry) return;
        lock (_gate)
            foreach (string node in entry.Nodes) _keysOnNode[node].Add(key);
    }

    /// <summary>Maybe reclaims up to r of the object's instances; returns how many were reclaimed.</summary>
    public int BeforeGet(string key)
    {
        lock (_random)
            if (_random.NextDouble() >= _probability) return 0;
        lock (_gate)
        {
            if (_tier.Proxy.Lookup(key) is not { } target) return 0;
            var nodes = _tier.Platform.Functions.ToDictionary(f => f, _tier.PrimaryNodeOf, StringComparer.Ordinal);
            string[] candidates = [.. target.Nodes];
            lock (_random) _random.Shuffle(candidates);
            int reclaimed = 0;
            foreach (string candidate in candidates.Take(CandidatesPerFault))
            {
                if (reclaimed >= _r) break;
                var blockers = Blockers(candidate, nodes);
                if (blockers is null) continue;
                if (blockers.Count > 0)
                {
                    Interlocked.Increment(ref _blocked);
                    foreach (string blocker in blockers.Take(ScrubsPerBlockedCandidate)) Scrub(blocker);
                    continue;
                }
                _tier.Platform.ReclaimFunction(candidate);
                nodes[candidate] = null;
                reclaimed++;
                Interlocked.Increment(ref _instancesReclaimed);
                foreach (var (putKey, _) in _reclaimsDuringPut)
                    if (PlacementOf(putKey).Contains(candidate)) _reclaimsDuringPut.AddOrUpdate(putKey, 1, (_, n) => n + 1);
            }
            if (reclaimed > 0) Interlocked.Increment(ref _faults);
            return reclaimed;
        }
    }

    /// <summary>Waits for the background scrub reads.</summary>
    public async Task DrainAsync()
    {
        Task[] scrubs;
        lock (_scrubs) scrubs = [.. _scrubs];
        await Task.WhenAll(scrubs);
    }

    /// <summary>
    /// The objects that stop <paramref name="candidate"/> from being reclaimed (empty: it may be); null when a PUT in
    /// flight stops it (nothing to scrub then).
    /// </summary>
    private List<string>? Blockers(string candidate, Dictionary<string, FunctionNode?> nodes)
    {
        foreach (var (putKey, count) in _reclaimsDuringPut)
            if (count + 1 > _r && PlacementOf(putKey).Contains(candidate)) { Interlocked.Increment(ref _blocked); return null; }
        var blockers = new List<string>();
        foreach (string key in _keysOnNode[candidate])
        {
            if (!_hasFutureAccess(key) || _tier.Proxy.Lookup(key) is not { } entry) continue;
            int index = Array.IndexOf(entry.Nodes, candidate);
            if (index < 0 || !Present(entry, index, nodes)) continue; // reclaiming loses nothing of this object
            int missing = 0;
            for (int i = 0; i < entry.TotalShards; i++)
                if (!Present(entry, i, nodes)) missing++;
            if (missing + 1 > _r) blockers.Add(key);
        }
        return blockers;
    }

    private static bool Present(ObjectEntry entry, int index, Dictionary<string, FunctionNode?> nodes) =>
        nodes[entry.Nodes[index]]?.Store?.TryGet(entry.Key, entry.Version, index, out _) == true;

    private string[] PlacementOf(string key) => _placementOf.GetOrAdd(key, k =>
    {
        var nodes = new string[_tier.Codec.TotalShards];
        _tier.Placement.LocateDistinct(k, nodes);
        return nodes;
    });

    private void Scrub(string key)
    {
        if (!_scrubbing.TryAdd(key, 0)) return;
        var task = Task.Run(async () =>
        {
            await _scrubSlots.WaitAsync();
            try
            {
                Interlocked.Increment(ref _scrubReads);
                using var value = await _tier.Client.GetAsync(key);
            }
            catch (Exception) { /* a scrub read is best effort: a failure shows up as a miss of the next workload GET */ }
            finally
            {
                _scrubSlots.Release();
                _scrubbing.TryRemove(key, out _);
            }
        });
        lock (_scrubs)
        {
            _scrubs.RemoveAll(t => t.IsCompleted);
            _scrubs.Add(task);
        }
    }
}
