using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tiered.Functions.Lambda;

/// <summary>
/// A client of the Lambda Runtime API (version 2018-06-01) at <c>http://$AWS_LAMBDA_RUNTIME_API</c>: fetch the next
/// invocation (a long poll, so no client timeout), post its response or error, or report an initialization error.
/// </summary>
public sealed class RuntimeApiClient : IDisposable
{
    /// <summary>The Runtime API version in every path.</summary>
    public const string ApiVersion = "2018-06-01";

    private static readonly MediaTypeHeaderValue Json = new("application/json");
    private readonly HttpClient _http;

    /// <summary>Creates a client of the Runtime API at <paramref name="runtimeApi"/> (<c>host:port</c>).</summary>
    /// <param name="runtimeApi">The value of <c>AWS_LAMBDA_RUNTIME_API</c>.</param>
    /// <param name="handler">The HTTP handler (tests); a direct, proxy-less <see cref="SocketsHttpHandler"/> when null.</param>
    /// <exception cref="ArgumentException"><paramref name="runtimeApi"/> is not <c>host:port</c>.</exception>
    public RuntimeApiClient(string runtimeApi, HttpMessageHandler? handler = null)
    {
        if (!RuntimeEnvironment.TryGetRuntimeApiUri(runtimeApi, out var baseUri))
            throw new ArgumentException($"'{runtimeApi}' is not a host:port Runtime API address.", nameof(runtimeApi));
        BaseAddress = new Uri(baseUri, ApiVersion + "/");
        _http = new HttpClient(handler ?? new SocketsHttpHandler { UseProxy = false, ConnectTimeout = TimeSpan.FromSeconds(10), PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan })
        {
            BaseAddress = BaseAddress,
            Timeout = Timeout.InfiniteTimeSpan, // GET next long-polls until there is an invocation
        };
    }

    /// <summary><c>http://host:port/2018-06-01/</c>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>Waits for the next invocation (<c>GET /runtime/invocation/next</c>).</summary>
    /// <exception cref="RuntimeApiException">The Runtime API answered with an error status or left out the request id.</exception>
    public async Task<RuntimeInvocation> GetNextInvocationAsync(CancellationToken cancellationToken = default)
    {
        using var response = await _http.GetAsync("runtime/invocation/next", HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.OK)
            throw await RuntimeApiException.FromAsync("GET runtime/invocation/next", response, cancellationToken).ConfigureAwait(false);
        string requestId = Header(response, "Lambda-Runtime-Aws-Request-Id")
            ?? throw new RuntimeApiException("GET runtime/invocation/next", response.StatusCode, "the response has no Lambda-Runtime-Aws-Request-Id header");
        var deadline = long.TryParse(Header(response, "Lambda-Runtime-Deadline-Ms"), NumberStyles.None, CultureInfo.InvariantCulture, out long ms)
            ? DateTimeOffset.FromUnixTimeMilliseconds(ms)
            : DateTimeOffset.MaxValue;
        byte[] payload = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        return new RuntimeInvocation(
            requestId,
            deadline,
            Header(response, "Lambda-Runtime-Invoked-Function-Arn") ?? "",
            Header(response, "Lambda-Runtime-Trace-Id"),
            Header(response, "Lambda-Runtime-Client-Context"),
            Header(response, "Lambda-Runtime-Cognito-Identity"),
            payload);
    }

    /// <summary>Posts an invocation's result (<c>POST /runtime/invocation/{id}/response</c>).</summary>
    /// <exception cref="RuntimeApiException">The Runtime API refused it (e.g. 413 when it is over 6 MB).</exception>
    public Task PostResponseAsync(string requestId, ReadOnlyMemory<byte> response, CancellationToken cancellationToken = default)
    {
        var content = new ReadOnlyMemoryContent(response);
        content.Headers.ContentType = Json;
        return PostAsync($"runtime/invocation/{Uri.EscapeDataString(requestId)}/response", content, null, cancellationToken);
    }

    /// <summary>Posts an invocation's failure (<c>POST /runtime/invocation/{id}/error</c>).</summary>
    public Task PostErrorAsync(string requestId, RuntimeError error, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(error);
        return PostAsync($"runtime/invocation/{Uri.EscapeDataString(requestId)}/error", ErrorContent(error), error.ErrorType, cancellationToken);
    }

    /// <summary>Reports a failed initialization (<c>POST /runtime/init/error</c>); the runtime should exit afterwards.</summary>
    public Task PostInitErrorAsync(RuntimeError error, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(error);
        return PostAsync("runtime/init/error", ErrorContent(error), error.ErrorType, cancellationToken);
    }

    public void Dispose() => _http.Dispose();

    private async Task PostAsync(string path, HttpContent content, string? errorType, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        if (errorType is not null) request.Headers.TryAddWithoutValidation("Lambda-Runtime-Function-Error-Type", errorType);
        using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
            throw await RuntimeApiException.FromAsync("POST " + path, response, cancellationToken).ConfigureAwait(false);
    }

    private static ByteArrayContent ErrorContent(RuntimeError error)
    {
        var content = new ByteArrayContent(error.ToJson());
        content.Headers.ContentType = Json;
        return content;
    }

    private static string? Header(HttpResponseMessage response, string name)
        => response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
}

/// <summary>One invocation handed out by the Runtime API.</summary>
/// <param name="RequestId">Lambda's request id (<c>Lambda-Runtime-Aws-Request-Id</c>).</param>
/// <param name="Deadline">When Lambda stops the invocation (<c>Lambda-Runtime-Deadline-Ms</c>).</param>
/// <param name="InvokedFunctionArn">The ARN the caller invoked (<c>Lambda-Runtime-Invoked-Function-Arn</c>).</param>
/// <param name="TraceId">The X-Ray trace header (<c>Lambda-Runtime-Trace-Id</c>), if any.</param>
/// <param name="ClientContext">The caller's client context (<c>Lambda-Runtime-Client-Context</c>), if any.</param>
/// <param name="CognitoIdentity">The caller's Cognito identity (<c>Lambda-Runtime-Cognito-Identity</c>), if any.</param>
/// <param name="Payload">The event.</param>
public sealed record RuntimeInvocation(
    string RequestId,
    DateTimeOffset Deadline,
    string InvokedFunctionArn,
    string? TraceId,
    string? ClientContext,
    string? CognitoIdentity,
    byte[] Payload);

/// <summary>What a runtime posts when an invocation or its initialization fails (Lambda's error document).</summary>
public sealed record RuntimeError(
    [property: JsonPropertyName("errorMessage"), JsonPropertyOrder(0)] string ErrorMessage,
    [property: JsonPropertyName("errorType"), JsonPropertyOrder(1)] string ErrorType,
    [property: JsonPropertyName("stackTrace"), JsonPropertyOrder(2)] IReadOnlyList<string> StackTrace)
{
    /// <summary>The error document of an exception: its message, its type's name, its stack trace lines.</summary>
    public static RuntimeError FromException(Exception exception, string? errorType = null)
    {
        ArgumentNullException.ThrowIfNull(exception);
        string[] stack = exception.StackTrace is { } trace
            ? trace.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : [];
        return new RuntimeError(exception.Message, errorType ?? exception.GetType().Name, stack);
    }

    /// <summary>The JSON document (<c>{"errorMessage","errorType","stackTrace"}</c>).</summary>
    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this, RuntimeJsonContext.Default.RuntimeError);
}

/// <summary>The Runtime API answered with an unexpected status.</summary>
public sealed class RuntimeApiException(string operation, HttpStatusCode status, string detail)
    : Exception($"The Runtime API refused {operation}: {(int)status} {status}: {detail}")
{
    /// <summary>The status code the Runtime API answered.</summary>
    public HttpStatusCode StatusCode { get; } = status;

    internal static async Task<RuntimeApiException> FromAsync(string operation, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        string body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        return new RuntimeApiException(operation, response.StatusCode, body.Length > 512 ? body[..512] : body);
    }
}

[JsonSerializable(typeof(RuntimeError))]
internal sealed partial class RuntimeJsonContext : JsonSerializerContext;
