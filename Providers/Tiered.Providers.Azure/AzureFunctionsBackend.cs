using System.Collections.Frozen;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Tiered.Functions;
using Tiered.Providers.Azure.Keys;

namespace Tiered.Providers.Azure;

/// <summary>
/// Azure Functions as a function backend: each invocation is <c>POST https://{app}.azurewebsites.net/api/node</c> (see
/// <see cref="AzureFunctionsOptions"/> for how pool names map to apps and routes) with the node invocation JSON and the
/// <c>x-functions-key</c> header, answered when the node function returns. Throttles (429, 503) and platform errors (5xx) are
/// retried with <c>Retry-After</c> or full-jitter backoff; a refused key (401) is read again once from its store. See
/// <c>docs/platform-azure.md</c>. One pooled <see cref="HttpClient"/> serves every call.
/// </summary>
public sealed class AzureFunctionsBackend : IFunctionBackend, IDisposable, IAsyncDisposable
{
    /// <summary>The backend's name (<see cref="IFunctionBackend.Name"/>).</summary>
    public const string BackendName = "azure-functions";

    private static readonly MediaTypeHeaderValue JsonContentType = new("application/json");

    private readonly AzureFunctionsOptions _options;
    private readonly IFunctionKeyProvider _keys;
    private readonly HttpClient _http;
    private readonly ILogger _logger;
    private readonly AzureFunctionsMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly FrozenDictionary<string, Uri> _urls;
    private readonly CancellationTokenSource _disposing = new();
    private int _disposed;

    /// <summary>Creates the backend (nothing is contacted until the first invocation).</summary>
    /// <param name="options">Validated and copied; later changes do not affect the backend.</param>
    /// <param name="keys">Where the function keys come from; null: <see cref="FunctionKeyProvider.FromOptions"/> (configured keys, or Key Vault with <c>DefaultAzureCredential</c>).</param>
    /// <param name="logger">Retries, throttles and failures are logged here.</param>
    /// <param name="meterFactory">Creates the <c>Tiered.Providers.Azure</c> meter; null: a meter the backend owns.</param>
    /// <param name="timeProvider">Measured durations and retry delays.</param>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">The options are invalid (every bad key is named).</exception>
    public AzureFunctionsBackend(AzureFunctionsOptions options, IFunctionKeyProvider? keys = null, ILogger<AzureFunctionsBackend>? logger = null,
        IMeterFactory? meterFactory = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Clone().Validate(keyProviderGiven: keys is not null);
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _keys = keys ?? FunctionKeyProvider.FromOptions(_options);
        HttpTimeout = _options.EffectiveHttpTimeout;
        Limits = _options.ToLimits();
        Functions = _options.ResolveFunctionNames();
        _urls = Functions.Distinct(StringComparer.Ordinal).ToFrozenDictionary(name => name, _options.ResolveFunctionUrl, StringComparer.Ordinal);
        _metrics = new AzureFunctionsMetrics(meterFactory);
        DelayAsync = (delay, token) => Task.Delay(delay, _time, token);
        _http = new HttpClient(FunctionHttpHandler.Create(_options.ConnectTimeout), disposeHandler: true) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("Tiered.Providers.Azure", "1.0"));
        string layout = string.IsNullOrWhiteSpace(_options.AppName) ? "one app per node" : $"one app '{_options.AppName!.Trim()}'";
        AzureFunctionsLog.Created(_logger, Functions.Count, layout, FunctionUrl(Functions[0]), _options.Plan, _options.MemoryMiB, _options.Timeout, _keys.Source);
    }

    /// <inheritdoc />
    public string Name => BackendName;

    /// <inheritdoc />
    public FunctionLimits Limits { get; }

    /// <inheritdoc />
    public IReadOnlyList<string> Functions { get; }

    /// <summary>The hosting plan (it decides the billed duration).</summary>
    public AzureFunctionsPlan Plan => _options.Plan;

    /// <summary>How long one HTTP call may take (longer than the function timeout).</summary>
    public TimeSpan HttpTimeout { get; }

    /// <summary>Where the function keys come from.</summary>
    public string KeySource => _keys.Source;

    /// <summary>Waits before a retry (tests record the delays instead of waiting).</summary>
    internal Func<TimeSpan, CancellationToken, Task> DelayAsync { get; set; }

    /// <summary>The jitter source of the backoff.</summary>
    internal Random Random { get; set; } = Random.Shared;

    /// <summary>The URL <paramref name="functionName"/> is invoked at (<see cref="AzureFunctionsOptions.ResolveFunctionUrl"/>).</summary>
    public Uri FunctionUrl(string functionName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(functionName);
        return _urls.TryGetValue(functionName, out var url) ? url : _options.ResolveFunctionUrl(functionName);
    }

    /// <summary>
    /// Invokes the node function and completes when it returns. An error of the function itself (an answer carrying
    /// <c>X-Tiered-Function-Error</c>, e.g. 400 for a payload it cannot read) is a result with <see cref="InvocationResult.Error"/> set.
    /// </summary>
    /// <exception cref="FunctionThrottledException">Still 429 or 503 after <see cref="AzureFunctionsOptions.MaxRetries"/> retries (its inner exception is the last <see cref="AzureFunctionsException"/>).</exception>
    /// <exception cref="AzureFunctionsException">The app refused the call (401/403 key, 404 no such function, other 4xx) or kept failing (5xx).</exception>
    /// <exception cref="AzureFunctionKeyException">No key could be resolved (nothing was sent).</exception>
    /// <exception cref="TimeoutException">No answer within <see cref="HttpTimeout"/>.</exception>
    /// <exception cref="HttpRequestException">The app could not be reached (after retries).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<InvocationResult> InvokeAsync(FunctionInvocation invocation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        ArgumentException.ThrowIfNullOrWhiteSpace(invocation.FunctionName);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        string function = invocation.FunctionName, kind = AzureFunctionsMetrics.KindName(invocation.Kind);
        Answer answer;
        try
        {
            answer = await SendAsync(function, invocation.Payload, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            RecordFailure(function, kind, e);
            throw;
        }

        string? error = answer.FunctionError is { } type ? AzureResponseBody.FormatFunctionError(type, answer.Body) : null;
        var result = new InvocationResult(
            function,
            AzureResponseBody.ReadInstanceId(answer.Body) is { Length: > 0 } id ? id : answer.InstanceHeader ?? "",
            answer.ColdStart,
            answer.Elapsed,
            AzureFunctionsBilling.BilledDuration(_options.Plan, answer.Elapsed),
            _options.MemoryBytes,
            answer.Body,
            error);

        _metrics.Invocation(function, kind, error is null ? "success" : "function_error", result.ColdStart);
        _metrics.Billed(function, kind, result);
        if (error is not null)
        {
            _metrics.Error(function, answer.FunctionError!);
            AzureFunctionsLog.FunctionError(_logger, function, answer.StatusCode, error);
        }
        AzureFunctionsLog.InvocationEnded(_logger, function, answer.InvocationId ?? "-", result.Duration, result.BilledDuration, result.ColdStart);
        return result;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _disposing.Cancel();
        _http.Dispose();
        _metrics.Dispose();
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task<Answer> SendAsync(string function, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var url = FunctionUrl(function);
        bool keyRefreshed = false;
        for (int attempt = 0; ; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            string? key;
            try
            {
                key = await _keys.GetKeyAsync(function, cancellationToken).ConfigureAwait(false);
            }
            catch (AzureFunctionKeyException e)
            {
                AzureFunctionsLog.KeyUnavailable(_logger, function, e.Message);
                throw;
            }
            using var request = CreateRequest(url, payload, key);

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
                throw new OperationCanceledException($"The invocation of Azure function '{function}' was cancelled.", e, cancellationToken);
            }
            catch (Exception e) when (e is OperationCanceledException or HttpRequestException or IOException or ObjectDisposedException && _disposing.IsCancellationRequested)
            {
                throw new ObjectDisposedException($"The Azure Functions backend was disposed during the invocation of '{function}'.", e);
            }
            catch (Exception e) when (e is OperationCanceledException or HttpRequestException or IOException && timeout.IsCancellationRequested)
            {
                AzureFunctionsLog.TimedOut(_logger, function, url, HttpTimeout, _options.Timeout);
                throw new TimeoutException(
                    $"The invocation of Azure function '{function}' at {url} did not complete within {HttpTimeout} (the HTTP timeout; the function " +
                    $"timeout is {_options.Timeout}, and Azure's load balancer ends an HTTP request after 230 s).", e);
            }
            catch (HttpRequestException e) when (e.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError)
            {
                if (attempt < _options.MaxRetries)
                {
                    // Nothing was sent: retrying cannot run the function twice.
                    var delay = RetryDelays.Backoff(attempt, _options.RetryBaseDelay, _options.RetryMaxDelay, Random);
                    AzureFunctionsLog.RetryingConnection(_logger, function, url, attempt + 1, _options.MaxRetries, delay, e);
                    _metrics.Retry(function, "connection");
                    await DelayAsync(delay, cancellationToken).ConfigureAwait(false);
                    continue;
                }
                throw new HttpRequestException(e.HttpRequestError,
                    $"Could not reach Azure function '{function}' at {url} after {attempt + 1} attempt(s): {e.Message}" +
                    (e.HttpRequestError == HttpRequestError.NameResolutionError ? " (no such host: check the app name and BaseUrl)" : ""), e);
            }

            using (response)
            {
                int status = (int)response.StatusCode;
                string? functionError = Header(response, AzureFunctionsHeaders.FunctionError);
                if (status is >= 200 and < 300 || functionError is not null)
                    return new Answer(status, functionError, string.Equals(Header(response, AzureFunctionsHeaders.ColdStart), "true", StringComparison.OrdinalIgnoreCase),
                        Header(response, AzureFunctionsHeaders.InvocationId), Header(response, AzureFunctionsHeaders.Instance), body, _time.GetElapsedTime(started));

                string? detail = AzureResponseBody.Describe(body);
                if (status == (int)HttpStatusCode.Unauthorized && !keyRefreshed && _keys.Invalidate(function, key))
                {
                    // The key may have been rotated: read it again from its store, once per invocation.
                    keyRefreshed = true;
                    AzureFunctionsLog.RefreshingKey(_logger, function, _keys.Source);
                    _metrics.KeyRefresh(function);
                    _metrics.Retry(function, "key_refresh");
                    attempt--;
                    continue;
                }

                bool throttled = status is 429 or 503;
                if (throttled) _metrics.Throttle(function, status);
                if (throttled || status >= 500)
                {
                    var retryAfter = RetryDelays.RetryAfter(response.Headers, _time.GetUtcNow());
                    bool tooLong = retryAfter > _options.RetryMaxDelay;
                    if (attempt < _options.MaxRetries && !tooLong)
                    {
                        var delay = retryAfter ?? RetryDelays.Backoff(attempt, _options.RetryBaseDelay, _options.RetryMaxDelay, Random);
                        if (throttled) AzureFunctionsLog.RetryingThrottle(_logger, function, status, detail, attempt + 1, _options.MaxRetries, delay);
                        else AzureFunctionsLog.RetryingServerError(_logger, function, status, detail, attempt + 1, _options.MaxRetries, delay);
                        _metrics.Retry(function, throttled ? "throttled" : "server_error");
                        await DelayAsync(delay, cancellationToken).ConfigureAwait(false);
                        continue;
                    }
                    string after = $"after {attempt + 1} attempt(s)" +
                        (tooLong ? $"; the app asked to retry after {retryAfter}, more than RetryMaxDelay ({_options.RetryMaxDelay})" : "");
                    var failure = new AzureFunctionsException(function, url, status,
                        $"Azure function '{function}' at {url} answered {status} {response.ReasonPhrase}{Quoted(detail)} {after}." +
                        (throttled
                            ? " The app is at its maximum instance count or its host is overloaded or restarting; raise the app's maximum instance count, or add always-ready instances."
                            : " The platform failed (not the node function, which marks its own errors): see the app's logs in Application Insights."),
                        detail);
                    if (throttled)
                    {
                        AzureFunctionsLog.Throttled(_logger, function, attempt + 1, status);
                        throw new FunctionThrottledException(function, 0, failure.Message, failure);
                    }
                    AzureFunctionsLog.InvokeFailed(_logger, function, url, status, detail);
                    throw failure;
                }
                AzureFunctionsLog.InvokeFailed(_logger, function, url, status, detail);
                throw Refused(function, url, status, response.ReasonPhrase, detail, keyRefreshed);
            }
        }
    }

    private AzureFunctionsException Refused(string function, Uri url, int status, string? reason, string? detail, bool keyRefreshed)
    {
        string app = _options.ResolveAppName(function);
        string message = status switch
        {
            401 => $"Azure function '{function}' refused its function key (401 Unauthorized at {url}{Quoted(detail)}): the key from {_keys.Source} is not a " +
                   $"function key of the app '{app}''s {_options.FunctionRoute} function nor one of its host keys" +
                   (keyRefreshed ? " (it was read again from its store after the first 401 and was still refused)" : "") +
                   $". List the valid keys with 'az functionapp function keys list -g <group> -n {app} --function-name {_options.FunctionRoute}'. " +
                   AzureFunctionKeyException.HowToConfigure,
            403 => $"Azure function '{function}' answered 403 Forbidden at {url}{Quoted(detail)}: the app '{app}' is stopped or disabled, its access " +
                   $"restrictions (IP rules, private endpoint) do not admit the proxy, or the key from {_keys.Source} is not accepted. Start the app " +
                   $"('az functionapp start -g <group> -n {app}'), check its networking, and check the key.",
            404 => $"There is no function at {url} (404 Not Found{Quoted(detail)}): check that the function app '{app}' exists and is running, that the " +
                   $"Tiered node worker is deployed to it ('func azure functionapp publish {app}'), and the route (RoutePrefix '{_options.RoutePrefix}', " +
                   $"FunctionRoute '{_options.FunctionRoute}'" + (string.IsNullOrWhiteSpace(_options.AppName) ? "" : $", AppName '{_options.AppName}'") + ").",
            _ => $"Azure function '{function}' refused the invocation: {status} {reason} at {url}{Quoted(detail)}.",
        };
        return new AzureFunctionsException(function, url, status, message, detail);
    }

    private static string Quoted(string? detail) => string.IsNullOrWhiteSpace(detail) ? "" : $": {detail}";

    /// <summary>The request: <c>POST</c>, JSON body, <c>x-functions-key</c> when there is a key.</summary>
    internal static HttpRequestMessage CreateRequest(Uri url, ReadOnlyMemory<byte> payload, string? key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Version = HttpVersion.Version11, Content = new ReadOnlyMemoryContent(payload) };
        request.Content.Headers.ContentType = JsonContentType;
        if (!string.IsNullOrEmpty(key)) request.Headers.TryAddWithoutValidation(AzureFunctionsHeaders.FunctionKey, key);
        return request;
    }

    private void RecordFailure(string function, string kind, Exception e)
    {
        (string outcome, string? errorType) = e switch
        {
            FunctionThrottledException t => ("throttled", t.InnerException is AzureFunctionsException a ? $"HTTP {a.StatusCode}" : "throttled"),
            AzureFunctionsException a => ("http_error", $"HTTP {a.StatusCode}"),
            AzureFunctionKeyException => ("key_error", "key"),
            TimeoutException => ("timeout", "timeout"),
            HttpRequestException => ("connection_error", "connection"),
            OperationCanceledException or ObjectDisposedException => ("cancelled", null),
            _ => ("error", e.GetType().Name),
        };
        _metrics.Invocation(function, kind, outcome, coldStart: false);
        if (errorType is not null) _metrics.Error(function, errorType);
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.NonValidated.TryGetValues(name, out var values) ? values.ToString() : null;


    private readonly record struct Answer(int StatusCode, string? FunctionError, bool ColdStart, string? InvocationId, string? InstanceHeader, byte[] Body, TimeSpan Elapsed);
}
