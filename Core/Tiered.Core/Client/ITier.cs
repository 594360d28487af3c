namespace Tiered.Client;

/// <summary>What applications use: a cache of byte objects by key.</summary>
public interface ITier : IAsyncDisposable
{
    /// <summary>Stores (or atomically replaces) an object.</summary>
    ValueTask PutAsync(string key, ReadOnlyMemory<byte> value, CancellationToken cancellationToken = default);

    /// <summary>The object, or null on a miss. Dispose the value to return its pooled buffer.</summary>
    ValueTask<TierValue?> GetAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Removes an object; false when it was not there.</summary>
    ValueTask<bool> DeleteAsync(string key, CancellationToken cancellationToken = default);
}
