using System.Diagnostics.Metrics;
using Tiered.Functions;

namespace Tiered.Proxy;

/// <summary>
/// The proxy's System.Diagnostics.Metrics instruments, under the meter <c>Tiered.Proxy</c> with
/// OpenTelemetry-style names (<c>tiered.proxy.hits</c>, <c>tiered.proxy.get.duration</c>, …).
/// </summary>
public sealed class ProxyMetrics : IDisposable
{
    public const string MeterName = "Tiered.Proxy";

    /// <summary>The meter the instruments belong to.</summary>
    public Meter Meter => _meter;

    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly Counter<long> _hits, _misses, _bytesIn, _bytesOut, _invocations, _chunksLost, _chunksCorrupt, _repairs, _evictions, _refusedNodes, _protocolErrors, _unavailable;
    private readonly Histogram<double> _getDuration, _putDuration;

    public ProxyMetrics(IMeterFactory? meterFactory = null)
    {
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _ownsMeter = meterFactory is null;
        _hits = _meter.CreateCounter<long>("tiered.proxy.hits", "{request}", "GETs served from the tier");
        _misses = _meter.CreateCounter<long>("tiered.proxy.misses", "{request}", "GETs that found no object (absent, or fewer than k chunks left)");
        _bytesIn = _meter.CreateCounter<long>("tiered.proxy.bytes_in", "By", "Chunk bytes received from clients");
        _bytesOut = _meter.CreateCounter<long>("tiered.proxy.bytes_out", "By", "Chunk bytes relayed to clients");
        _invocations = _meter.CreateCounter<long>("tiered.proxy.invocations", "{invocation}", "Node invocations, by kind");
        _chunksLost = _meter.CreateCounter<long>("tiered.proxy.chunks_lost", "{chunk}", "Chunks found missing on a GET");
        _chunksCorrupt = _meter.CreateCounter<long>("tiered.proxy.chunks_corrupt", "{chunk}", "Chunks that failed their checksum");
        _repairs = _meter.CreateCounter<long>("tiered.proxy.repairs", "{chunk}", "Chunks rebuilt and stored again");
        _evictions = _meter.CreateCounter<long>("tiered.proxy.evictions", "{object}", "Objects evicted to make room");
        _refusedNodes = _meter.CreateCounter<long>("tiered.proxy.refused_nodes", "{connection}", "Dial-backs refused for a wrong token");
        _protocolErrors = _meter.CreateCounter<long>("tiered.proxy.protocol_errors", "{connection}", "Client connections closed for breaking the protocol");
        _unavailable = _meter.CreateCounter<long>("tiered.proxy.unavailable", "{request}", "GETs failed because too few nodes could be reached (the object stays)");
        _getDuration = _meter.CreateHistogram<double>("tiered.proxy.get.duration", "s", "Time from a GET request to its k-th chunk relayed");
        _putDuration = _meter.CreateHistogram<double>("tiered.proxy.put.duration", "s", "Time from a PUT's first chunk to its commit");
    }

    internal void Record(string counter, long value)
    {
        var instrument = counter switch
        {
            ProxyCounters.Hits => _hits,
            ProxyCounters.Misses => _misses,
            ProxyCounters.BytesIn => _bytesIn,
            ProxyCounters.BytesOut => _bytesOut,
            ProxyCounters.ChunksLost => _chunksLost,
            ProxyCounters.ChunksCorrupt => _chunksCorrupt,
            ProxyCounters.Repairs => _repairs,
            ProxyCounters.Evictions => _evictions,
            ProxyCounters.RefusedNodes => _refusedNodes,
            ProxyCounters.ProtocolErrors => _protocolErrors,
            ProxyCounters.Unavailable => _unavailable,
            _ => null,
        };
        instrument?.Add(value);
    }

    internal void Invocation(InvocationKind kind) =>
        _invocations.Add(1, new KeyValuePair<string, object?>("kind", kind.ToString().ToLowerInvariant()));

    internal void GetCompleted(TimeSpan duration, bool hit) =>
        _getDuration.Record(duration.TotalSeconds, new KeyValuePair<string, object?>("outcome", hit ? "hit" : "miss"));

    internal void PutCompleted(TimeSpan duration) => _putDuration.Record(duration.TotalSeconds);

    public void Dispose()
    {
        if (_ownsMeter) _meter.Dispose();
    }
}
