using System.Net;
using System.Text;

namespace Tiered.Providers.Gcp.Auth;

/// <summary>
/// ID tokens from the metadata server of the machine the proxy runs on (Compute Engine, GKE with Workload Identity, Cloud Run,
/// Cloud Run functions, App Engine): <c>GET {server}/computeMetadata/v1/instance/service-accounts/{account}/identity?audience=…</c>
/// with <c>Metadata-Flavor: Google</c>; the answer is the JWT itself, minted for the instance's service account.
/// </summary>
public sealed class MetadataServerIdTokenSource : IIdTokenSource, IDisposable
{
    /// <summary>The metadata server's address on Google Cloud.</summary>
    public const string DefaultServerUrl = "http://metadata.google.internal";

    /// <summary>The variable Google's client libraries read to find another metadata server (<c>host[:port]</c>, e.g. an emulator's).</summary>
    public const string HostVariable = "GCE_METADATA_HOST";

    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly TimeProvider _time;
    private readonly string _account;

    /// <summary>Creates the source (nothing is contacted until the first token is asked for).</summary>
    /// <param name="serverUrl">The metadata server; null: <c>http://$GCE_METADATA_HOST</c> when that is set, else <see cref="DefaultServerUrl"/>.</param>
    /// <param name="serviceAccount">The instance's service account to mint for: <c>default</c>, or its email.</param>
    /// <param name="timeout">How long one request may take. Default 10 s.</param>
    /// <param name="timeProvider">The clock used when a token's expiry cannot be read.</param>
    /// <param name="httpClient">The client to use (not disposed); null: one of its own.</param>
    public MetadataServerIdTokenSource(string? serverUrl = null, string serviceAccount = "default", TimeSpan? timeout = null,
        TimeProvider? timeProvider = null, HttpClient? httpClient = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(serviceAccount);
        ServerUrl = ResolveServerUrl(serverUrl);
        _account = serviceAccount.Trim();
        _time = timeProvider ?? TimeProvider.System;
        _ownsHttp = httpClient is null;
        _http = httpClient ?? new HttpClient(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false, ConnectTimeout = TimeSpan.FromSeconds(5) });
        if (_ownsHttp) _http.Timeout = timeout ?? TimeSpan.FromSeconds(10);
    }

    /// <summary>The metadata server asked (ending in <c>/</c>).</summary>
    public Uri ServerUrl { get; }

    /// <inheritdoc />
    public string Source => $"the metadata server ({ServerUrl.GetLeftPart(UriPartial.Authority)}, service account {_account})";

    /// <summary>The identity URL asked for <paramref name="audience"/>.</summary>
    public Uri IdentityUri(string audience) =>
        new(ServerUrl, $"computeMetadata/v1/instance/service-accounts/{Uri.EscapeDataString(_account)}/identity?audience={Uri.EscapeDataString(audience)}");

    /// <inheritdoc />
    public async Task<GoogleIdToken> GetTokenAsync(string audience, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(audience);
        var uri = IdentityUri(audience);
        using var request = new HttpRequestMessage(HttpMethod.Get, uri) { Version = HttpVersion.Version11 };
        request.Headers.TryAddWithoutValidation("Metadata-Flavor", "Google");
        HttpResponseMessage response;
        string body;
        try
        {
            response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
        {
            throw new GcpCredentialsException(
                $"No ID token for audience '{audience}': the metadata server at {ServerUrl} could not be reached ({e.Message}). It exists only on Google Cloud " +
                $"(Compute Engine, GKE, Cloud Run); elsewhere use application default credentials or a service account key file " +
                $"(Tiered:Backend:Gcp:CredentialSource, ServiceAccountKeyFile), or set {HostVariable} to a metadata server emulator.", e);
        }
        using (response)
        {
            if (response.IsSuccessStatusCode && body.Trim().Length > 0)
                return GoogleIdToken.FromJwt(body, audience, _time.GetUtcNow());
            string detail = body.Length > 300 ? body[..300] + "…" : body.Trim();
            string hint = response.StatusCode == HttpStatusCode.NotFound
                ? $" The instance has no service account '{_account}' (attach one to the VM, node pool or service)."
                : response.StatusCode == HttpStatusCode.Forbidden ? " The metadata server refused the request (a Metadata-Flavor header was stripped by a proxy?)." : "";
            throw new GcpCredentialsException(
                $"No ID token for audience '{audience}': the metadata server at {ServerUrl} answered {(int)response.StatusCode} {response.ReasonPhrase}" +
                (detail.Length == 0 ? "." : $": {detail}.") + hint);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsHttp) _http.Dispose();
    }

    /// <summary>The metadata server's URL: <paramref name="serverUrl"/>, else <c>http://$GCE_METADATA_HOST</c>, else <see cref="DefaultServerUrl"/>.</summary>
    public static Uri ResolveServerUrl(string? serverUrl)
    {
        string url = !string.IsNullOrWhiteSpace(serverUrl) ? serverUrl.Trim()
            : Environment.GetEnvironmentVariable(HostVariable) is { Length: > 0 } host ? (host.Contains("://", StringComparison.Ordinal) ? host : "http://" + host)
            : DefaultServerUrl;
        if (!Uri.TryCreate(url.TrimEnd('/') + "/", UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            throw new ArgumentException($"The metadata server URL '{url}' is not an absolute http URL.", nameof(serverUrl));
        return uri;
    }
}
