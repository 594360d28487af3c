using System.Buffers;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Tiered.Nodes;

namespace Tiered.Functions.Gcp;

/// <summary>
/// The node as a Cloud Run service (or a Cloud Run function): an ASP.NET Core app that listens on <c>$PORT</c> and runs
/// <see cref="FunctionNode.HandleAsync"/> for each <c>POST /</c>, answering with the node's summary JSON. One
/// <see cref="FunctionNode"/> per process: its chunk store is the instance's memory, so it survives between requests to a warm
/// instance. Requests may run concurrently (a backup peer and a primary on one instance when the service's concurrency allows it).
/// </summary>
public static class FunctionHost
{
    /// <summary>The response header naming the instance (on every answer).</summary>
    public const string InstanceHeader = "X-Tiered-Instance";

    /// <summary>The response header set to <c>true</c> on the first <c>POST /</c> the instance serves.</summary>
    public const string ColdStartHeader = "X-Tiered-Cold-Start";

    /// <summary>The largest payload accepted (a node invocation is a few hundred bytes).</summary>
    public const int MaxPayloadBytes = 64 * 1024;

    /// <summary>How long Cloud Run waits after SIGTERM before SIGKILL is 10 s; the host stops within this.</summary>
    public static TimeSpan ShutdownTimeout { get; } = TimeSpan.FromSeconds(8);

    /// <summary>Runs the process: reads the environment, serves until SIGTERM/SIGINT. Returns the exit code (1 for a bad environment).</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        HostSettings settings;
        try
        {
            settings = HostSettings.FromProcess();
        }
        catch (HostConfigurationException e)
        {
            var failure = new JsonLineLoggerProvider(Console.Error, new HostSettings());
            failure.Write(LogLevel.Critical, "Tiered.Functions.Gcp", e.Message, null);
            return 1;
        }
        await using var app = Build(args, settings, Console.Out);
        try
        {
            await app.RunAsync().ConfigureAwait(false);
            return 0;
        }
        catch (IOException e) when (e.InnerException is System.Net.Sockets.SocketException || e.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
        {
            app.Services.GetRequiredService<JsonLineLoggerProvider>().Write(LogLevel.Critical, "Tiered.Functions.Gcp", $"Could not listen on port {settings.Port}: {e.Message}", null);
            return 1;
        }
    }

    /// <summary>Builds the app for <paramref name="settings"/>, logging JSON lines to <paramref name="logOutput"/>.</summary>
    public static WebApplication Build(string[] args, HostSettings settings, TextWriter logOutput)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args });
        var logs = new JsonLineLoggerProvider(logOutput, settings);
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(logs);
        builder.Logging.SetMinimumLevel(settings.LogLevel);
        // Kestrel's own chatter (connection resets when a client goes away) is not the function's business.
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.Services.AddSingleton(logs);
        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton<NodeState>();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = ShutdownTimeout);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = MaxPayloadBytes;
            // HTTP/1.1, what Cloud Run speaks to a container unless the service is deployed with --use-http2.
            if (settings.ListenAddress is { } address) kestrel.Listen(address, settings.Port, o => o.Protocols = HttpProtocols.Http1);
            else kestrel.ListenAnyIP(settings.Port, o => o.Protocols = HttpProtocols.Http1);
        });
        // PORT and TIERED_LISTEN_HOST decide where to listen, not ASPNETCORE_URLS.
        builder.WebHost.UseSetting(WebHostDefaults.PreferHostingUrlsKey, "false");

        var app = builder.Build();
        var state = app.Services.GetRequiredService<NodeState>();
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Tiered.Functions.Gcp");
        app.Use((context, next) =>
        {
            context.Response.Headers[InstanceHeader] = settings.InstanceId;
            return next(context);
        });
        app.MapPost("/", (HttpContext context) => InvokeAsync(context, settings, state, log, app.Lifetime));
        app.MapGet("/healthz", (HttpContext context) => HealthAsync(context, settings, state));

        app.Lifetime.ApplicationStarted.Register(() => HostLog.Started(log, settings.FunctionName, settings.Revision ?? "-", settings.InstanceId,
            settings.ListenAddress?.ToString() ?? "*", settings.Port, settings.MemoryMiB, settings.MemorySource, settings.RequestTimeout, settings.RequiredBearer is not null));
        app.Lifetime.ApplicationStopping.Register(() => HostLog.Stopping(log, settings.InstanceId, state.InFlight, state.Node.Store?.Count ?? 0));
        return app;
    }

    private static async Task InvokeAsync(HttpContext http, HostSettings settings, NodeState state, ILogger log, IHostApplicationLifetime lifetime)
    {
        var arrived = DateTimeOffset.UtcNow;
        var (requestId, trace) = RequestIds(http.Request.Headers);
        JsonLineLoggerProvider.Current.Value = new RequestScope(requestId, trace);
        if (settings.RequiredBearer is { } required && !HasBearer(http.Request.Headers.Authorization.ToString(), required))
        {
            HostLog.Unauthorized(log, http.Connection.RemoteIpAddress?.ToString() ?? "?");
            http.Response.Headers.WWWAuthenticate = "Bearer";
            await ErrorAsync(http, StatusCodes.Status401Unauthorized, "Unauthorized", "A valid 'Authorization: Bearer' token is required.", settings).ConfigureAwait(false);
            return;
        }

        byte[] payload;
        try
        {
            payload = await ReadBodyAsync(http.Request, http.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception e) when (e is Microsoft.AspNetCore.Http.BadHttpRequestException or InvalidDataException)
        {
            await ErrorAsync(http, StatusCodes.Status413PayloadTooLarge, "PayloadTooLarge", $"The payload is larger than {MaxPayloadBytes} bytes.", settings).ConfigureAwait(false);
            return;
        }
        catch (Exception e) when (e is IOException or OperationCanceledException && http.RequestAborted.IsCancellationRequested)
        {
            return;
        }

        NodeInvocation invocation;
        try
        {
            invocation = NodeInvocation.FromJson(payload);
        }
        catch (ArgumentException e)
        {
            HostLog.BadPayload(log, payload.Length, e.Message);
            await ErrorAsync(http, StatusCodes.Status400BadRequest, "BadPayload", e.Message, settings).ConfigureAwait(false);
            return;
        }

        bool cold = state.TakeColdStart();
        if (cold) http.Response.Headers[ColdStartHeader] = "true";
        var context = new FunctionContext(settings.FunctionName, settings.InstanceId, requestId, arrived + settings.RequestTimeout, settings.MemoryBytes);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, lifetime.ApplicationStopping);
        state.Started();
        ReadOnlyMemory<byte> summary;
        try
        {
            summary = await state.HandleAsync(payload, context, stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            HostLog.CallerGone(log, invocation.NodeId);
            return;
        }
        catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            await ErrorAsync(http, StatusCodes.Status503ServiceUnavailable, "ShuttingDown", "The instance is shutting down.", settings).ConfigureAwait(false);
            return;
        }
        catch (Exception e)
        {
            HostLog.Failed(log, invocation.NodeId, e);
            await ErrorAsync(http, StatusCodes.Status500InternalServerError, e.GetType().Name, e.Message, settings).ConfigureAwait(false);
            return;
        }
        finally
        {
            state.Ended();
        }

        var outcome = TryReadSummary(summary.Span);
        HostLog.Returned(log, invocation.NodeId, invocation.Kind.ToString(), outcome?.Outcome ?? "?", outcome?.CommandsServed ?? 0, outcome?.ChunksHeld ?? 0,
            outcome?.BytesHeld ?? 0, (DateTimeOffset.UtcNow - arrived).TotalMilliseconds, cold);
        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = "application/json";
        http.Response.ContentLength = summary.Length;
        try
        {
            await http.Response.Body.WriteAsync(summary, http.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException)
        {
            HostLog.CallerGone(log, invocation.NodeId);
        }
    }

    private static async Task HealthAsync(HttpContext http, HostSettings settings, NodeState state)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("status", "ok");
            json.WriteString("function", settings.FunctionName);
            json.WriteString("instanceId", settings.InstanceId);
            json.WriteNumber("memoryMiB", settings.MemoryMiB);
            json.WriteNumber("inFlight", state.InFlight);
            json.WriteNumber("served", state.Served);
            json.WriteNumber("chunks", state.Node.Store?.Count ?? 0);
            json.WriteNumber("bytes", state.Node.Store?.Bytes ?? 0);
            json.WriteEndObject();
        }
        http.Response.ContentType = "application/json";
        await http.Response.Body.WriteAsync(buffer.WrittenMemory, http.RequestAborted).ConfigureAwait(false);
    }

    private static async Task<byte[]> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxPayloadBytes) throw new InvalidDataException("too large");
        using var body = new MemoryStream(request.ContentLength is long length ? (int)length : 1024);
        var chunk = ArrayPool<byte>.Shared.Rent(8192);
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (body.Length + read > MaxPayloadBytes) throw new InvalidDataException("too large");
                body.Write(chunk, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
        return body.ToArray();
    }

    private static async Task ErrorAsync(HttpContext http, int status, string type, string message, HostSettings settings)
    {
        if (http.Response.HasStarted) return;
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("error", message);
            json.WriteString("type", type);
            json.WriteString("instanceId", settings.InstanceId);
            json.WriteEndObject();
        }
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json";
        try
        {
            await http.Response.Body.WriteAsync(buffer.WrittenMemory, http.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException)
        {
            // The caller went away.
        }
    }

    private static bool HasBearer(string authorization, string required)
    {
        const string scheme = "Bearer ";
        if (!authorization.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)) return false;
        var presented = Encoding.UTF8.GetBytes(authorization[scheme.Length..].Trim());
        return CryptographicOperations.FixedTimeEquals(presented, Encoding.UTF8.GetBytes(required));
    }

    /// <summary>The request id (Cloud Run's trace and span, or <c>traceparent</c>'s, else a random id) and the Cloud Logging trace resource.</summary>
    internal static (string RequestId, string? Trace) RequestIds(IHeaderDictionary headers)
    {
        string? traceId = null, spanId = null;
        string cloud = headers["X-Cloud-Trace-Context"].ToString();
        if (cloud.Length > 0)
        {
            var parts = cloud.Split('/', 2);
            traceId = parts[0];
            spanId = parts.Length > 1 ? parts[1].Split(';')[0] : null;
        }
        else if (headers["traceparent"].ToString() is { Length: > 0 } traceparent && traceparent.Split('-') is { Length: 4 } w3c)
        {
            (traceId, spanId) = (w3c[1], w3c[2]);
        }
        if (string.IsNullOrWhiteSpace(traceId) || !traceId.All(char.IsAsciiHexDigit)) return (Guid.NewGuid().ToString("N"), null);
        string requestId = spanId is { Length: > 0 } ? $"{traceId}/{spanId}" : traceId;
        string? project = Environment.GetEnvironmentVariable("GOOGLE_CLOUD_PROJECT");
        return (requestId, string.IsNullOrWhiteSpace(project) ? null : $"projects/{project}/traces/{traceId}");
    }

    private static NodeInvocationSummary? TryReadSummary(ReadOnlySpan<byte> summary)
    {
        try
        {
            return NodeInvocationSummary.FromJson(summary);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>The instance's one node and its request counters.</summary>
internal sealed class NodeState(HostSettings settings, ILoggerFactory loggers)
{
    private readonly Lock _firstCall = new();
    private int _inFlight, _coldStartTaken;
    private long _served;

    public FunctionNode Node { get; } = new(settings.NodeOptions, logger: loggers.CreateLogger<FunctionNode>());

    public int InFlight => Volatile.Read(ref _inFlight);

    public long Served => Interlocked.Read(ref _served);

    /// <summary>True for the first caller only: the request that met a cold instance.</summary>
    public bool TakeColdStart() => Interlocked.Exchange(ref _coldStartTaken, 1) == 0;

    public void Started()
    {
        Interlocked.Increment(ref _inFlight);
        Interlocked.Increment(ref _served);
    }

    public void Ended() => Interlocked.Decrement(ref _inFlight);

    /// <summary>
    /// Runs the node. The node creates its chunk store on its first invocation, in the synchronous start of
    /// <see cref="FunctionNode.HandleAsync"/>; until it exists, starts are serialized so that concurrent first requests share one store.
    /// </summary>
    public Task<ReadOnlyMemory<byte>> HandleAsync(byte[] payload, FunctionContext context, CancellationToken cancellationToken)
    {
        if (Node.Store is not null) return Node.HandleAsync(payload, context, cancellationToken);
        lock (_firstCall) return Node.HandleAsync(payload, context, cancellationToken);
    }
}

/// <summary>The host's log messages (source-generated).</summary>
internal static partial class HostLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Tiered node {FunctionName} (revision {Revision}) instance {InstanceId} listening on {Address}:{Port}; {MemoryMiB} MiB (from {MemorySource}), request timeout {RequestTimeout}, bearer required {BearerRequired}")]
    public static partial void Started(ILogger logger, string functionName, string revision, string instanceId, string address, int port, int memoryMiB, string memorySource, TimeSpan requestTimeout, bool bearerRequired);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Shutting down instance {InstanceId} (SIGTERM): {InFlight} requests in flight, {Chunks} chunks dropped")]
    public static partial void Stopping(ILogger logger, string instanceId, int inFlight, int chunks);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "Node {NodeId} ({Kind}) returned {Outcome}: {Served} commands, {Chunks} chunks / {Bytes} bytes held, {Milliseconds} ms, cold start {ColdStart}")]
    public static partial void Returned(ILogger logger, string nodeId, string kind, string outcome, int served, int chunks, long bytes, double milliseconds, bool coldStart);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "Refused a request without the required bearer token from {Remote}")]
    public static partial void Unauthorized(ILogger logger, string remote);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "Bad payload ({Length} bytes): {Reason}")]
    public static partial void BadPayload(ILogger logger, int length, string reason);

    [LoggerMessage(EventId = 6, Level = LogLevel.Error, Message = "Node {NodeId} failed")]
    public static partial void Failed(ILogger logger, string nodeId, Exception exception);

    [LoggerMessage(EventId = 7, Level = LogLevel.Information, Message = "The caller of node {NodeId} went away before it returned")]
    public static partial void CallerGone(ILogger logger, string nodeId);
}
