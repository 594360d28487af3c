using Tiered.Client;

namespace Tiered.Hosting;

/// <summary>
/// The <see cref="ITier"/> registered in the container: the runtime's <see cref="TierClient"/>, with each request counted
/// so a graceful shutdown can wait for it, and new requests refused (with a <see cref="TierException"/>) once stopping.
/// Disposing it does nothing: the runtime owns the client.
/// </summary>
internal sealed class HostedTier(TieredRuntime runtime) : ITier
{
    public async ValueTask PutAsync(string key, ReadOnlyMemory<byte> value, CancellationToken cancellationToken = default)
    {
        Enter();
        try { await runtime.Client.PutAsync(key, value, cancellationToken).ConfigureAwait(false); }
        finally { runtime.Exit(); }
    }

    public async ValueTask<TierValue?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        Enter();
        try { return await runtime.Client.GetAsync(key, cancellationToken).ConfigureAwait(false); }
        finally { runtime.Exit(); }
    }

    public async ValueTask<bool> DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        Enter();
        try { return await runtime.Client.DeleteAsync(key, cancellationToken).ConfigureAwait(false); }
        finally { runtime.Exit(); }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private void Enter()
    {
        if (!runtime.TryEnter()) throw new TierException("The tier is shutting down and accepts no new requests.");
    }
}
