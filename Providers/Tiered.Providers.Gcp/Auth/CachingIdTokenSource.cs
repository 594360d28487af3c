using System.Collections.Concurrent;

namespace Tiered.Providers.Gcp.Auth;

/// <summary>
/// Caches the tokens of another source per audience: a token is reused until <see cref="RefreshMargin"/> before it expires,
/// concurrent callers for one audience share one fetch, and a failed refresh keeps serving a cached token that has not expired
/// yet. <see cref="Invalidate"/> drops an audience's token (the backend does so when Cloud Run answers 401).
/// </summary>
public sealed class CachingIdTokenSource : IIdTokenSource, IDisposable
{
    /// <summary>The default <see cref="RefreshMargin"/>: 5 minutes (Google ID tokens live an hour).</summary>
    public static TimeSpan DefaultRefreshMargin { get; } = TimeSpan.FromMinutes(5);

    private readonly ConcurrentDictionary<string, Slot> _slots = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly bool _ownsInner;

    /// <summary>Creates the cache.</summary>
    /// <param name="inner">Where tokens come from.</param>
    /// <param name="timeProvider">The clock expiry is judged by.</param>
    /// <param name="refreshMargin">How long before its expiry a token is replaced; default <see cref="DefaultRefreshMargin"/>.</param>
    /// <param name="ownsInner">Whether <see cref="Dispose"/> disposes <paramref name="inner"/>.</param>
    public CachingIdTokenSource(IIdTokenSource inner, TimeProvider? timeProvider = null, TimeSpan? refreshMargin = null, bool ownsInner = false)
    {
        ArgumentNullException.ThrowIfNull(inner);
        if (refreshMargin < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(refreshMargin), refreshMargin, "The refresh margin must not be negative.");
        Inner = inner;
        _time = timeProvider ?? TimeProvider.System;
        RefreshMargin = refreshMargin ?? DefaultRefreshMargin;
        _ownsInner = ownsInner;
    }

    /// <summary>The source tokens come from.</summary>
    public IIdTokenSource Inner { get; }

    /// <summary>How long before its expiry a token is replaced.</summary>
    public TimeSpan RefreshMargin { get; }

    /// <inheritdoc />
    public string Source => Inner.Source;

    /// <summary>Called after each fetch from <see cref="Inner"/>: the audience, the token (null on failure), the failure (null on success).</summary>
    internal Action<string, GoogleIdToken?, Exception?>? Fetched { get; set; }

    /// <summary>Called when a refresh failed and a cached, unexpired token is served instead.</summary>
    internal Action<string, GoogleIdToken, Exception>? ServedStale { get; set; }

    /// <inheritdoc />
    public async Task<GoogleIdToken> GetTokenAsync(string audience, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(audience);
        cancellationToken.ThrowIfCancellationRequested();
        var slot = _slots.GetOrAdd(audience, static _ => new Slot());
        TaskCompletionSource<GoogleIdToken>? mine = null;
        Task<GoogleIdToken> pending;
        GoogleIdToken? cached;
        lock (slot)
        {
            cached = slot.Token;
            if (cached is not null && IsFresh(cached)) return cached;
            if (slot.Pending is null)
            {
                mine = new TaskCompletionSource<GoogleIdToken>(TaskCreationOptions.RunContinuationsAsynchronously);
                slot.Pending = mine.Task;
            }
            pending = slot.Pending;
        }
        if (mine is not null) _ = FetchAsync(audience, slot, mine);
        try
        {
            return await pending.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            if (cached is not null && _time.GetUtcNow() < cached.ExpiresAt)
            {
                ServedStale?.Invoke(audience, cached, e);
                return cached;
            }
            throw;
        }
    }

    /// <summary>Forgets the cached token of <paramref name="audience"/> (the next call fetches a new one).</summary>
    public void Invalidate(string audience)
    {
        if (_slots.TryGetValue(audience, out var slot))
            lock (slot) slot.Token = null;
    }

    /// <summary>The cached token of <paramref name="audience"/>, fresh or not (for tests and diagnostics).</summary>
    public GoogleIdToken? Cached(string audience) => _slots.TryGetValue(audience, out var slot) ? slot.Token : null;

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsInner) (Inner as IDisposable)?.Dispose();
    }

    private bool IsFresh(GoogleIdToken token) =>
        token.ExpiresAt == DateTimeOffset.MaxValue || _time.GetUtcNow() < token.ExpiresAt - RefreshMargin;

    // Runs the fetch without the caller's token: callers that give up do not cancel it for the others.
    private async Task FetchAsync(string audience, Slot slot, TaskCompletionSource<GoogleIdToken> completion)
    {
        try
        {
            var token = await Inner.GetTokenAsync(audience, CancellationToken.None).ConfigureAwait(false);
            lock (slot)
            {
                slot.Token = token;
                slot.Pending = null;
            }
            Fetched?.Invoke(audience, token, null);
            completion.TrySetResult(token);
        }
        catch (Exception e)
        {
            lock (slot) slot.Pending = null;
            Fetched?.Invoke(audience, null, e);
            completion.TrySetException(e);
        }
    }

    private sealed class Slot
    {
        public GoogleIdToken? Token;
        public Task<GoogleIdToken>? Pending;
    }
}
