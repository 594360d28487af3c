namespace Tiered.Cli.Benchmarks.E2e;

/// <summary>One side of the comparison: Tiered through its client, or redis-server through StackExchange.Redis.</summary>
internal interface IE2eTarget : IAsyncDisposable
{
    /// <summary>"Tiered" or "Redis".</summary>
    string Name { get; }

    /// <summary>Stores (or replaces) an object.</summary>
    Task PutAsync(string key, ReadOnlyMemory<byte> value, CancellationToken cancellationToken);

    /// <summary>Reads an object back; null on a miss. The caller verifies and then disposes it.</summary>
    Task<FetchedObject?> GetAsync(string key, CancellationToken cancellationToken);
}

/// <summary>Bytes a GET returned, held (usually in a pooled buffer) until disposed.</summary>
internal sealed class FetchedObject(ReadOnlyMemory<byte> bytes, IDisposable? owner) : IDisposable
{
    public ReadOnlySpan<byte> Span => bytes.Span;

    public int Length => bytes.Length;

    public void Dispose() => owner?.Dispose();
}
