using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Tiered.Cli.Replay;

/// <summary>
/// What the replay needs to classify misses: objects evicted to make room (an eviction miss is not lost data) and
/// objects found lost, from <see cref="Proxy.TierProxy.ObjectRemoved"/>; and, as a logger factory for the proxy that
/// writes nothing anywhere, the counts of its instance-change and repair-failure log events.
/// </summary>
internal sealed class ProxyEventLog : ILoggerFactory, ILogger
{
    private readonly ConcurrentDictionary<string, int> _evicted = new(StringComparer.Ordinal);
    private long _evictions, _lost, _instanceChanges, _repairFailures;

    /// <summary>Raised when the proxy evicts an object (with its key).</summary>
    public event Action<string>? Evicted;

    public long Evictions => Interlocked.Read(ref _evictions);
    public long ObjectsLost => Interlocked.Read(ref _lost);
    public long InstanceChanges => Interlocked.Read(ref _instanceChanges);
    public long RepairFailures => Interlocked.Read(ref _repairFailures);

    /// <summary>Whether the key was evicted since <see cref="ClearEvicted"/> was last called for it.</summary>
    public bool WasEvicted(string key) => _evicted.ContainsKey(key);

    /// <summary>Forgets an eviction (call before the key is stored again).</summary>
    public void ClearEvicted(string key) => _evicted.TryRemove(key, out _);

    /// <summary>Follows the proxy's removals.</summary>
    public void Observe(Proxy.TierProxy proxy) => proxy.ObjectRemoved += (entry, reason) =>
    {
        if (reason == Proxy.ObjectRemovalReason.Evicted)
        {
            Interlocked.Increment(ref _evictions);
            _evicted[entry.Key] = 1;
            Evicted?.Invoke(entry.Key);
        }
        else if (reason == Proxy.ObjectRemovalReason.Lost)
        {
            Interlocked.Increment(ref _lost);
        }
    };

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        switch (eventId.Name)
        {
            case "LogInstanceChanged":
                Interlocked.Increment(ref _instanceChanges);
                break;
            case "LogRepairFailed":
                Interlocked.Increment(ref _repairFailures);
                break;
        }
    }

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public ILogger CreateLogger(string categoryName) => this;

    public void AddProvider(ILoggerProvider provider) { }

    public void Dispose() { }
}
