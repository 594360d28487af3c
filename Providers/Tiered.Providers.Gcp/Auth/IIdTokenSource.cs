namespace Tiered.Providers.Gcp.Auth;

/// <summary>
/// Where the backend gets the Google ID token it presents to a Cloud Run function (audience: the function's URL or the
/// configured <c>Audience</c>). The backend caches what a source returns per audience until shortly before it expires
/// (<see cref="CachingIdTokenSource"/>), so a source may fetch on every call.
/// </summary>
public interface IIdTokenSource
{
    /// <summary>Where tokens come from, for logs and error messages (never a secret).</summary>
    string Source { get; }

    /// <summary>An ID token for <paramref name="audience"/>.</summary>
    /// <exception cref="GcpCredentialsException">No token can be had (the message says why and what to do).</exception>
    Task<GoogleIdToken> GetTokenAsync(string audience, CancellationToken cancellationToken = default);
}

/// <summary>
/// One fixed bearer token for every audience, never refreshed: for local runs (a function host started with
/// <c>TIERED_REQUIRED_BEARER</c>), or a token printed by <c>gcloud auth print-identity-token --audiences=URL</c> for a short test.
/// </summary>
public sealed class StaticIdTokenSource : IIdTokenSource
{
    private readonly string _token;

    /// <summary>Creates the source.</summary>
    public StaticIdTokenSource(string token)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(token);
        _token = token.Trim();
    }

    /// <inheritdoc />
    public string Source => "a static token";

    /// <inheritdoc />
    public Task<GoogleIdToken> GetTokenAsync(string audience, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(new GoogleIdToken(_token, audience, DateTimeOffset.MaxValue));
    }
}
