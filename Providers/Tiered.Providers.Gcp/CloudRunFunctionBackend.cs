using System.Collections.Frozen;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Tiered.Functions;
using Tiered.Providers.Gcp.Auth;

namespace Tiered.Providers.Gcp;

/// <summary>
/// Google Cloud Run (services, or Cloud Run functions) as a function backend: each invocation is a <c>POST</c> of the node payload
/// to the function's URL with <c>Authorization: Bearer &lt;ID token&gt;</c> (audience: that URL, or <see cref="CloudRunFunctionOptions.Audience"/>);
/// the call stays open while the node serves and completes when it returns its summary. 429 and 503 (no instance available) are
/// retried with <c>Retry-After</c> or full-jitter backoff, then <see cref="FunctionThrottledException"/>; other 5xx are retried, then
/// <see cref="CloudRunException"/>; 401/403 are <see cref="CloudRunAuthorizationException"/>. See <c>docs/platform-gcp.md</c>.
/// </summary>
public sealed class CloudRunFunctionBackend : IFunctionBackend, IDisposable, IAsyncDisposable
{
    /// <summary>The backend's name (<see cref="IFunctionBackend.Name"/>).</summary>
    public const string BackendName = "gcp-cloud-run";

    /// <summary>The response header the Tiered function host names its instance in (on every answer, errors too).</summary>
    public const string InstanceHeader = "X-Tiered-Instance";

    /// <summary>The response header the Tiered function host sets to <c>true</c> on the first request an instance serves.</summary>
    public const string ColdStartHeader = "X-Tiered-Cold-Start";

    /// <summary>Cloud Run bills request time in units of 100 ms.</summary>
    public static TimeSpan BillingGranularity { get; } = TimeSpan.FromMilliseconds(100);

    private static readonly MediaTypeHeaderValue JsonContentType = new("application/json");

    private readonly CloudRunFunctionOptions _options;
    private readonly CachingIdTokenSource _tokens;
    private readonly bool _ownsTokens;
    private readonly HttpClient _http;
    private readonly ILogger _logger;
    private readonly CloudRunMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly FrozenDictionary<string, Target> _targets;
    private readonly CancellationTokenSource _disposing = new();
    private int _disposed;

    /// <summary>Creates the backend (nothing is contacted until the first invocation).</summary>
    /// <param name="options">Validated and copied; later changes do not affect the backend.</param>
    /// <param name="tokens">Where ID tokens come from; null: what the options say (<see cref="IdTokenSources.FromOptions"/>), owned by the backend. Either way they are cached per audience.</param>
    /// <param name="logger">Retries, throttles and failures are logged here.</param>
    /// <param name="meterFactory">Creates the <c>Tiered.Providers.Gcp</c> meter; null: a meter the backend owns.</param>
    /// <param name="timeProvider">Token expiry, measured durations and retry delays.</param>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">The options are invalid (every bad key is named).</exception>
    public CloudRunFunctionBackend(CloudRunFunctionOptions options, IIdTokenSource? tokens = null, ILogger<CloudRunFunctionBackend>? logger = null,
        IMeterFactory? meterFactory = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Clone().Validate();
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _metrics = new CloudRunMetrics(meterFactory);
        _ownsTokens = tokens is null || tokens is not CachingIdTokenSource;
        var source = tokens ?? IdTokenSources.FromOptions(_options, _time);
        _tokens = source as CachingIdTokenSource ?? new CachingIdTokenSource(source, _time, ownsInner: tokens is null);
        if (_ownsTokens)
        {
            _tokens.Fetched = (audience, token, error) =>
            {
                _metrics.TokenFetched(error is null ? "success" : "error");
                if (token is not null) CloudRunLog.TokenFetched(_logger, audience, _tokens.Source, token.ExpiresAt);
            };
            _tokens.ServedStale = (audience, token, error) => CloudRunLog.RefreshFailedUsingCached(_logger, audience, token.ExpiresAt, error.Message);
        }

        var urls = _options.ResolveFunctionUrls();
        Functions = urls.Select(u => u.Key).ToArray();
        _targets = urls.Select((u, i) => KeyValuePair.Create(u.Key, new Target(u.Value, _options.ResolveAudience(u.Key, i, u.Value))))
            .ToFrozenDictionary(StringComparer.Ordinal);
        HttpTimeout = _options.EffectiveHttpTimeout;
        Limits = _options.ToLimits();
        DelayAsync = (delay, token) => Task.Delay(delay, _time, token);
        _http = new HttpClient(FunctionHttpHandler.Create(_options.ConnectTimeout), disposeHandler: true) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("Tiered.Providers.Gcp", "1.0"));
        CloudRunLog.Created(_logger, Functions.Count, urls.Count > 0 ? urls[0].Value : null, _options.MemoryMiB, _options.Timeout, _tokens.Source);
    }

    /// <inheritdoc />
    public string Name => BackendName;

    /// <inheritdoc />
    public FunctionLimits Limits { get; }

    /// <inheritdoc />
    public IReadOnlyList<string> Functions { get; }

    /// <summary>How long one invocation's HTTP call may take (longer than the request timeout).</summary>
    public TimeSpan HttpTimeout { get; }

    /// <summary>Where ID tokens come from.</summary>
    public string CredentialSource => _tokens.Source;

    /// <summary>The token cache (per audience).</summary>
    public CachingIdTokenSource Tokens => _tokens;

    /// <summary>Waits before a retry (tests record the delays instead of waiting).</summary>
    internal Func<TimeSpan, CancellationToken, Task> DelayAsync { get; set; }

    /// <summary>The jitter source of the backoff.</summary>
    internal Random Random { get; set; } = Random.Shared;

    /// <summary>The URL <paramref name="functionName"/> is invoked at.</summary>
    /// <exception cref="ArgumentException">The function is not in the pool.</exception>
    public Uri FunctionUrl(string functionName) => TargetOf(functionName).Url;

    /// <summary>The audience of the ID tokens sent to <paramref name="functionName"/>.</summary>
    /// <exception cref="ArgumentException">The function is not in the pool.</exception>
    public string AudienceOf(string functionName) => TargetOf(functionName).Audience;

    /// <summary>
    /// Invokes the function: POSTs the payload and completes when the function answers. An error the function itself answered with
    /// (a 400 or 500 carrying <see cref="InstanceHeader"/>: it ran and failed, so it is not retried) is a result with
    /// <see cref="InvocationResult.Error"/> set, not an exception.
    /// </summary>
    /// <exception cref="FunctionThrottledException">Still 429 or 503 after <see cref="CloudRunFunctionOptions.MaxRetries"/> retries.</exception>
    /// <exception cref="CloudRunAuthorizationException">401 or 403: the token's audience or the caller's permission is wrong.</exception>
    /// <exception cref="CloudRunException">Cloud Run refused the call (4xx) or kept failing (5xx).</exception>
    /// <exception cref="GcpCredentialsException">No ID token could be had; nothing was sent.</exception>
    /// <exception cref="TimeoutException">No answer within <see cref="HttpTimeout"/>.</exception>
    /// <exception cref="HttpRequestException">The URL could not be reached (after retries), or the connection broke mid-call.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<InvocationResult> InvokeAsync(FunctionInvocation invocation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        ArgumentException.ThrowIfNullOrWhiteSpace(invocation.FunctionName);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        string function = invocation.FunctionName, kind = CloudRunMetrics.KindName(invocation.Kind);
        Answer answer;
        try
        {
            answer = await SendAsync(function, TargetOf(function), invocation.Payload, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            RecordFailure(function, kind, e);
            throw;
        }

        string instanceId = (answer.FunctionError is null ? CloudRunResponseBody.ReadInstanceId(answer.Body) : null) ?? answer.InstanceHeader ?? "";
        var result = new InvocationResult(function, instanceId, answer.ColdStart, answer.Elapsed, Billed(answer.Elapsed), _options.MemoryBytes, answer.Body, answer.FunctionError);
        _metrics.Invocation(function, kind, answer.FunctionError is null ? "success" : "function_error", result.ColdStart);
        _metrics.Billed(function, kind, result);
        if (answer.FunctionError is not null)
        {
            _metrics.Error(function, "function_error");
            CloudRunLog.FunctionError(_logger, function, answer.Status, answer.FunctionError);
        }
        CloudRunLog.InvocationEnded(_logger, function, instanceId, result.Duration, result.BilledDuration, result.ColdStart);
        return result;
    }

    /// <summary><paramref name="elapsed"/> rounded up to Cloud Run's 100 ms billing unit (at least one unit).</summary>
    public static TimeSpan Billed(TimeSpan elapsed)
    {
        long unit = BillingGranularity.Ticks;
        long units = Math.Max(1, (Math.Max(0, elapsed.Ticks) + unit - 1) / unit);
        return TimeSpan.FromTicks(units * unit);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _disposing.Cancel();
        _http.Dispose();
        _metrics.Dispose();
        if (_ownsTokens) _tokens.Dispose();
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    private Target TargetOf(string functionName) =>
        _targets.TryGetValue(functionName, out var target) ? target
            : throw new ArgumentException($"'{functionName}' is not a function of this Cloud Run pool ({Functions.Count} functions: {string.Join(", ", Functions.Take(3))}{(Functions.Count > 3 ? ", …" : "")}).", nameof(functionName));

    private async Task<Answer> SendAsync(string function, Target target, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        bool retriedUnauthorized = false;
        for (int attempt = 0; ; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            var token = await GetTokenAsync(function, target, cancellationToken).ConfigureAwait(false);
            using var request = CreateRequest(target.Url, payload, token.Value);

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _disposing.Token);
            timeout.CancelAfter(HttpTimeout);
            long started = _time.GetTimestamp();
            HttpResponseMessage response;
            byte[] body;
            try
            {
                response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
                try
                {
                    body = await response.Content.ReadAsByteArrayAsync(timeout.Token).ConfigureAwait(false);
                }
                catch
                {
                    response.Dispose();
                    throw;
                }
            }
            catch (Exception e) when (e is OperationCanceledException or HttpRequestException or IOException && cancellationToken.IsCancellationRequested)
            {
                throw new OperationCanceledException($"The invocation of Cloud Run function '{function}' was cancelled.", e, cancellationToken);
            }
            catch (Exception e) when (e is OperationCanceledException or HttpRequestException or IOException or ObjectDisposedException && _disposing.IsCancellationRequested)
            {
                throw new ObjectDisposedException($"The Cloud Run backend was disposed during the invocation of '{function}'.", e);
            }
            catch (Exception e) when (e is OperationCanceledException or HttpRequestException or IOException && timeout.IsCancellationRequested)
            {
                CloudRunLog.TimedOut(_logger, function, HttpTimeout, _options.Timeout);
                throw new TimeoutException(
                    $"The invocation of Cloud Run function '{function}' ({target.Url}) did not complete within {HttpTimeout} (the HTTP timeout; the request timeout is {_options.Timeout}).", e);
            }
            catch (HttpRequestException e) when (e.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError && attempt < _options.MaxRetries)
            {
                // Nothing was sent: retrying cannot run the function twice.
                var delay = RetryDelays.Backoff(attempt, _options.RetryBaseDelay, _options.RetryMaxDelay, Random);
                CloudRunLog.RetryingConnection(_logger, function, target.Url, attempt + 1, _options.MaxRetries, delay, e);
                _metrics.Retry(function, "connection");
                await DelayAsync(delay, cancellationToken).ConfigureAwait(false);
                continue;
            }

            using (response)
            {
                int status = (int)response.StatusCode;
                var elapsed = _time.GetElapsedTime(started);
                string? instance = Header(response, InstanceHeader);
                bool coldStart = Header(response, ColdStartHeader) is { } cold && (cold.Equals("true", StringComparison.OrdinalIgnoreCase) || cold == "1");
                string? traceId = Header(response, "X-Cloud-Trace-Context")?.Split('/')[0];
                if (status is >= 200 and < 300)
                    return new Answer(status, body, elapsed, instance, coldStart, null);

                string? message = CloudRunResponseBody.ReadErrorMessage(body);
                if (instance is not null && status is 400 or 500)
                    return new Answer(status, body, elapsed, instance, coldStart, $"{status} {CloudRunException.Describe(status)} from the function: {message ?? "(no message)"}");

                if (status is 401 or 403)
                {
                    _tokens.Invalidate(target.Audience);
                    if (status == 401 && !retriedUnauthorized && _tokens.Inner is not StaticIdTokenSource)
                    {
                        // The token may have expired in flight (or been revoked): one more try with a fresh one.
                        retriedUnauthorized = true;
                        CloudRunLog.RetryingUnauthorized(_logger, function, target.Audience);
                        _metrics.Retry(function, "unauthorized");
                        attempt--;
                        continue;
                    }
                    CloudRunLog.Unauthorized(_logger, function, status, target.Audience, _tokens.Source);
                    throw new CloudRunAuthorizationException(function, target.Url, status, message, target.Audience, _tokens.Source, traceId);
                }

                var error = new CloudRunException(function, target.Url, status, message, traceId);
                bool throttled = status is 429 or 503;
                if (throttled) _metrics.Throttle(function, status);
                if (throttled || status >= 500)
                {
                    var retryAfter = RetryDelays.RetryAfter(response.Headers, _time.GetUtcNow());
                    bool tooLong = retryAfter > _options.RetryMaxDelay;
                    if (attempt < _options.MaxRetries && !tooLong)
                    {
                        var delay = retryAfter ?? RetryDelays.Backoff(attempt, _options.RetryBaseDelay, _options.RetryMaxDelay, Random);
                        if (throttled) CloudRunLog.RetryingThrottle(_logger, function, status, message, attempt + 1, _options.MaxRetries, delay);
                        else CloudRunLog.RetryingServerError(_logger, function, status, message, attempt + 1, _options.MaxRetries, delay);
                        _metrics.Retry(function, throttled ? "throttled" : "server_error");
                        await DelayAsync(delay, cancellationToken).ConfigureAwait(false);
                        continue;
                    }
                    if (throttled)
                    {
                        CloudRunLog.Throttled(_logger, function, status, attempt + 1, message);
                        string why = status == 429 ? "rate limited or at its maximum instances" : "no instance available (the service is at --max-instances, or scaling up)";
                        throw new FunctionThrottledException(function, 0,
                            $"Cloud Run function '{function}' is throttled ({status} {CloudRunException.Describe(status)}: {why}{(message is null ? "" : "; " + message)}) after {attempt + 1} attempt(s)" +
                            (tooLong ? $"; Cloud Run asked to retry after {retryAfter}, more than RetryMaxDelay ({_options.RetryMaxDelay})." : "."), error);
                    }
                }
                CloudRunLog.InvokeFailed(_logger, function, status, message);
                throw error;
            }
        }
    }

    private async Task<GoogleIdToken> GetTokenAsync(string function, Target target, CancellationToken cancellationToken)
    {
        try
        {
            return await _tokens.GetTokenAsync(target.Audience, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (GcpCredentialsException e)
        {
            CloudRunLog.TokenFailed(_logger, function, target.Audience, e.Message);
            throw;
        }
        catch (Exception e)
        {
            CloudRunLog.TokenFailed(_logger, function, target.Audience, e.Message);
            throw new GcpCredentialsException($"Could not get an ID token for audience '{target.Audience}' from {_tokens.Source}: {e.Message}", e);
        }
    }

    /// <summary>The request: the payload as JSON, the bearer token.</summary>
    internal static HttpRequestMessage CreateRequest(Uri url, ReadOnlyMemory<byte> payload, string bearer)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Version = HttpVersion.Version11, Content = new ReadOnlyMemoryContent(payload) };
        request.Content.Headers.ContentType = JsonContentType;
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        return request;
    }

    private void RecordFailure(string function, string kind, Exception e)
    {
        (string outcome, string? errorType) = e switch
        {
            FunctionThrottledException => ("throttled", "throttled"),
            CloudRunAuthorizationException auth => ("unauthorized", auth.StatusCode == 401 ? "unauthorized" : "forbidden"),
            CloudRunException run => ("platform_error", "http_" + run.StatusCode),
            TimeoutException => ("timeout", "timeout"),
            HttpRequestException => ("connection_error", "connection"),
            GcpCredentialsException => ("credentials_error", "credentials"),
            OperationCanceledException or ObjectDisposedException => ("cancelled", null),
            _ => ("error", e.GetType().Name),
        };
        _metrics.Invocation(function, kind, outcome, coldStart: false);
        if (errorType is not null) _metrics.Error(function, errorType);
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.NonValidated.TryGetValues(name, out var values) ? values.ToString() : null;


    private sealed record Target(Uri Url, string Audience);

    private readonly record struct Answer(int Status, byte[] Body, TimeSpan Elapsed, string? InstanceHeader, bool ColdStart, string? FunctionError);
}
