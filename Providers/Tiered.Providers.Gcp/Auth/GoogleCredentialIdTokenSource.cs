using Google.Apis.Auth.OAuth2;

namespace Tiered.Providers.Gcp.Auth;

/// <summary>
/// ID tokens through Google.Apis.Auth: application default credentials (<c>GoogleCredential.GetApplicationDefaultAsync()</c>:
/// <c>GOOGLE_APPLICATION_CREDENTIALS</c>, gcloud's application-default file, then the metadata server) or a service account
/// key file, each asked for <c>GetOidcTokenAsync(OidcTokenOptions.FromTargetAudience(audience))</c>. The credential is loaded
/// once, on the first call; a failure to load is retried on the next call.
/// </summary>
public sealed class GoogleCredentialIdTokenSource : IIdTokenSource
{
    private readonly Func<CancellationToken, Task<IOidcTokenProvider>> _load;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private Task<IOidcTokenProvider>? _credential;

    private GoogleCredentialIdTokenSource(string source, Func<CancellationToken, Task<IOidcTokenProvider>> load, TimeProvider? timeProvider)
    {
        Source = source;
        _load = load;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <inheritdoc />
    public string Source { get; }

    /// <summary>Application default credentials.</summary>
    public static GoogleCredentialIdTokenSource ApplicationDefault(TimeProvider? timeProvider = null) =>
        new("application default credentials", async ct => await GoogleCredential.GetApplicationDefaultAsync(ct).ConfigureAwait(false), timeProvider);

    /// <summary>The service account of a JSON key file (<c>"type": "service_account"</c>).</summary>
    public static GoogleCredentialIdTokenSource FromServiceAccountKeyFile(string path, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string full = Path.GetFullPath(path);
        return new($"the service account key file {full}", async ct =>
        {
            if (!File.Exists(full)) throw new FileNotFoundException($"The service account key file {full} does not exist.", full);
            return await CredentialFactory.FromFileAsync<ServiceAccountCredential>(full, ct).ConfigureAwait(false);
        }, timeProvider);
    }

    /// <summary>Any credential that can mint ID tokens (e.g. an <see cref="ImpersonatedCredential"/> built by the application).</summary>
    public static GoogleCredentialIdTokenSource FromCredential(IOidcTokenProvider credential, string source, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(credential);
        ArgumentException.ThrowIfNullOrWhiteSpace(source);
        return new(source, _ => Task.FromResult(credential), timeProvider);
    }

    /// <inheritdoc />
    public async Task<GoogleIdToken> GetTokenAsync(string audience, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(audience);
        IOidcTokenProvider credential;
        Task<IOidcTokenProvider> loading;
        lock (_gate) loading = _credential ??= _load(CancellationToken.None);
        try
        {
            credential = await loading.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            lock (_gate) if (ReferenceEquals(_credential, loading)) _credential = null;
            throw new GcpCredentialsException(
                $"No Google credentials from {Source}: {e.Message} Provide them in one of these ways: (1) run where a metadata server gives the " +
                "service account's identity (Compute Engine, GKE, Cloud Run); (2) GOOGLE_APPLICATION_CREDENTIALS pointing to a service account key file, " +
                "or Tiered:Backend:Gcp:ServiceAccountKeyFile; (3) for a local run, Tiered:Backend:Gcp:StaticIdToken.", e);
        }

        try
        {
            var oidc = await credential.GetOidcTokenAsync(OidcTokenOptions.FromTargetAudience(audience), cancellationToken).ConfigureAwait(false);
            string jwt = await oidc.GetAccessTokenAsync(cancellationToken).ConfigureAwait(false);
            return GoogleIdToken.FromJwt(jwt, audience, _time.GetUtcNow());
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e) when (e is not GcpCredentialsException)
        {
            string hint = e is NotSupportedException or InvalidOperationException
                ? " User credentials (gcloud auth application-default login) cannot mint ID tokens for an arbitrary audience: use a service account " +
                  "(a key file, the metadata server, or impersonation with gcloud auth application-default login --impersonate-service-account=SA), " +
                  "or a static token from gcloud auth print-identity-token for a short test."
                : "";
            throw new GcpCredentialsException($"Could not get an ID token for audience '{audience}' from {Source}: {e.Message}{hint}", e);
        }
    }
}
