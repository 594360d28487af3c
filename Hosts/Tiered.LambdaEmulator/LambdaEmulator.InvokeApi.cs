using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Tiered.LambdaEmulator;

public sealed partial class LambdaEmulator
{
    private const string InvokePattern = "/2015-03-31/functions/{function}/invocations";

    /// <summary>The front: Lambda's Invoke operation and the emulator's admin endpoints.</summary>
    private void MapInvokeApi(WebApplication app)
    {
        RequestDelegate invoke = InvokeAsync, instances = InstancesAsync, functions = FunctionsAsync, usage = UsageAsync, reclaim = ReclaimAsync, unknown = UnknownAsync;
        app.MapPost(InvokePattern, invoke);
        app.MapGet("/emulator/instances", instances);
        app.MapGet("/emulator/functions", functions);
        app.MapGet("/emulator/usage", usage);
        app.MapPost("/emulator/reclaim", reclaim);
        app.MapFallback(unknown);
    }

    /// <summary><c>POST /2015-03-31/functions/{name}/invocations</c> with <c>X-Amz-Invocation-Type</c> and <c>X-Amz-Log-Type</c>.</summary>
    private async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        var response = context.Response;
        string requestId = Guid.NewGuid().ToString();
        response.Headers["x-amzn-RequestId"] = requestId;

        if (_options.RequireSignature && SignatureProblem(request) is { } signature)
        {
            await ServiceErrorAsync(context, StatusCodes.Status403Forbidden, signature.Type, signature.Message).ConfigureAwait(false);
            return;
        }
        string raw = context.GetRouteValue("function") as string ?? "";
        if (!TryParseFunctionName(raw, out string name, out string? qualifier))
        {
            await ServiceErrorAsync(context, StatusCodes.Status400BadRequest, "ValidationException",
                $"1 validation error detected: Value '{raw}' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: (arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{{2}}(-gov)?-[a-z]+-\\d{{1}}:)?(\\d{{12}}:)?(function:)?([a-zA-Z0-9-_]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?").ConfigureAwait(false);
            return;
        }
        if (request.Query.TryGetValue("Qualifier", out var q) && !string.IsNullOrEmpty(q.ToString())) qualifier = q.ToString();

        string typeText = request.Headers["X-Amz-Invocation-Type"].ToString();
        LambdaInvocationType type;
        bool dryRun = false;
        switch (typeText)
        {
            case "" or "RequestResponse": type = LambdaInvocationType.RequestResponse; break;
            case "Event": type = LambdaInvocationType.Event; break;
            case "DryRun": type = LambdaInvocationType.RequestResponse; dryRun = true; break;
            default:
                await ServiceErrorAsync(context, StatusCodes.Status400BadRequest, "ValidationException",
                    $"1 validation error detected: Value '{typeText}' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value set: [Event, RequestResponse, DryRun]").ConfigureAwait(false);
                return;
        }
        string logType = request.Headers["X-Amz-Log-Type"].ToString();
        if (logType is not ("" or "None" or "Tail"))
        {
            await ServiceErrorAsync(context, StatusCodes.Status400BadRequest, "ValidationException",
                $"1 validation error detected: Value '{logType}' at 'logType' failed to satisfy constraint: Member must satisfy enum value set: [Tail, None]").ConfigureAwait(false);
            return;
        }

        string arn = FunctionArn(name) + (qualifier is null ? "" : ":" + qualifier);
        var function = ResolveFunction(name);
        if (function is null)
        {
            await ServiceErrorAsync(context, StatusCodes.Status404NotFound, "ResourceNotFoundException", $"Function not found: {arn}").ConfigureAwait(false);
            return;
        }

        int limit = type == LambdaInvocationType.Event ? LambdaEmulatorOptions.MaxEventPayloadBytes : LambdaEmulatorOptions.MaxSyncPayloadBytes;
        var (payload, tooLarge) = await ReadBodyAsync(request, limit, context.RequestAborted).ConfigureAwait(false);
        if (tooLarge)
        {
            string operation = type == LambdaInvocationType.Event ? "InvokeAsync" : "InvokeFunction";
            await ServiceErrorAsync(context, StatusCodes.Status413PayloadTooLarge, "RequestTooLargeException",
                $"Request must be smaller than {limit} bytes for the {operation} operation").ConfigureAwait(false);
            return;
        }
        if (payload.Length == 0) payload = "{}"u8.ToArray();
        if (dryRun)
        {
            response.StatusCode = StatusCodes.Status204NoContent;
            return;
        }

        string? clientContext = null;
        if (request.Headers["X-Amz-Client-Context"].ToString() is { Length: > 0 } encoded)
        {
            try
            {
                clientContext = Encoding.UTF8.GetString(Convert.FromBase64String(encoded));
            }
            catch (FormatException)
            {
                await ServiceErrorAsync(context, StatusCodes.Status400BadRequest, "InvalidRequestContentException", "Client context must be a valid Base64-encoded JSON object.").ConfigureAwait(false);
                return;
            }
        }

        var invocation = new PendingInvocation(requestId, function, payload, type, arn, clientContext, _time.GetUtcNow());
        if (type == LambdaInvocationType.Event)
        {
            Track(RunEventAsync(invocation));
            response.StatusCode = StatusCodes.Status202Accepted;
            return;
        }

        switch (Route(invocation))
        {
            case Dispatch.Throttled:
                _usage.Throttle();
                LambdaEmulatorLog.Throttled(_logger, function.Name, function.ReservedConcurrency);
                response.Headers.RetryAfter = "1";
                await ServiceErrorAsync(context, StatusCodes.Status429TooManyRequests, "TooManyRequestsException", "Rate Exceeded.",
                    "ReservedFunctionConcurrentInvocationLimitExceeded").ConfigureAwait(false);
                return;
            case Dispatch.ShuttingDown:
                await ServiceErrorAsync(context, StatusCodes.Status500InternalServerError, "ServiceException", "The Lambda emulator is shutting down.").ConfigureAwait(false);
                return;
        }

        // The invocation runs on even if the caller goes away, as on Lambda.
        var result = await invocation.Completion.Task.ConfigureAwait(false);
        if (context.RequestAborted.IsCancellationRequested) return;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json";
        response.Headers["X-Amz-Executed-Version"] = "$LATEST";
        if (result.Outcome.IsError) response.Headers["X-Amz-Function-Error"] = "Unhandled";
        if (logType == "Tail")
        {
            // Let output the process wrote just before it answered reach the log (it travels on another pipe).
            await Task.Delay(TimeSpan.FromMilliseconds(20), CancellationToken.None).ConfigureAwait(false);
            response.Headers["X-Amz-Log-Result"] = Convert.ToBase64String(result.Log.Tail(requestId, result.ReportLine));
        }
        response.ContentLength = result.Outcome.Body.Length;
        try
        {
            await response.Body.WriteAsync(result.Outcome.Body, context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
        }
    }

    /// <summary>An Event invocation: queued while the function is at its concurrency limit (as Lambda's internal queue does), then run.</summary>
    private async Task RunEventAsync(PendingInvocation invocation)
    {
        var delay = TimeSpan.FromMilliseconds(100);
        while (true)
        {
            var dispatch = Route(invocation);
            if (dispatch == Dispatch.Routed) break;
            if (dispatch == Dispatch.ShuttingDown) return;
            try
            {
                await Task.Delay(delay, _stopping.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
        }
        var result = await invocation.Completion.Task.ConfigureAwait(false);
        if (result.Outcome.ErrorType is { } type) LambdaEmulatorLog.EventFailed(_logger, invocation.RequestId, invocation.Function.Name, type);
    }

    /// <summary>
    /// The function name of an Invoke path: <c>name</c>, <c>name:qualifier</c>, <c>123456789012:function:name[:qualifier]</c>
    /// or <c>arn:aws:lambda:region:123456789012:function:name[:qualifier]</c>.
    /// </summary>
    internal static bool TryParseFunctionName(string raw, out string name, out string? qualifier)
    {
        name = "";
        qualifier = null;
        string[] parts = raw.Split(':');
        (string n, string? qual) = parts switch
        {
            [var only] => (only, null),
            [var a, var b] => (a, b),
            [_, "function", var c] => (c, null),
            [_, "function", var c, var d] => (c, d),
            ["arn", _, "lambda", _, _, "function", var c] => (c, null),
            ["arn", _, "lambda", _, _, "function", var c, var d] => (c, d),
            _ => ("", null),
        };
        if (!LambdaEmulatorOptions.IsValidFunctionName(n) || qual is "") return false;
        name = n;
        qualifier = qual;
        return true;
    }

    /// <summary>The 403 error of a request without a plausible SigV4 <c>Authorization</c> header (the signature is not verified).</summary>
    private static (string Type, string Message)? SignatureProblem(HttpRequest request)
    {
        string authorization = request.Headers.Authorization.ToString();
        if (authorization.Length == 0) return ("MissingAuthenticationTokenException", "Missing Authentication Token");
        if (!authorization.StartsWith("AWS4-HMAC-SHA256 ", StringComparison.Ordinal)
            || !authorization.Contains("Credential=", StringComparison.Ordinal)
            || !authorization.Contains("SignedHeaders=", StringComparison.Ordinal)
            || !authorization.Contains("Signature=", StringComparison.Ordinal))
            return ("IncompleteSignatureException", $"Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters of AWS4-HMAC-SHA256. Authorization={authorization}");
        if (!authorization.Contains("/lambda/aws4_request", StringComparison.Ordinal))
            return ("InvalidSignatureException", "Credential should be scoped to correct service: 'lambda'.");
        return null;
    }

    /// <summary>An AWS service error: <c>x-amzn-ErrorType</c> and <c>{"Type":"User","message":…}</c> (with <c>Reason</c> for throttles).</summary>
    private static async Task ServiceErrorAsync(HttpContext context, int status, string errorType, string message, string? reason = null)
    {
        var response = context.Response;
        response.StatusCode = status;
        response.ContentType = "application/json";
        response.Headers["x-amzn-ErrorType"] = errorType;
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            if (reason is not null) json.WriteString("Reason", reason);
            json.WriteString("Type", status >= 500 ? "Service" : "User");
            json.WriteString("message", message);
            json.WriteEndObject();
        }
        response.ContentLength = buffer.Length;
        try
        {
            await response.Body.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
        }
    }

    // ---- admin endpoints -------------------------------------------------------------------------------------------

    private Task InstancesAsync(HttpContext context)
        => JsonAsync(context, StatusCodes.Status200OK, Instances.ToArray(), EmulatorJsonContext.Default.LambdaInstanceInfoArray);

    private Task FunctionsAsync(HttpContext context)
    {
        FunctionSummary[] summaries;
        lock (_gate)
        {
            summaries = _functionOrder.Select(n => _functions[n]).Select(f => new FunctionSummary(f.Name, f.Arn, f.MemoryMiB, f.Timeout.TotalSeconds,
                f.ReservedConcurrency, f.Instances.Count, f.Idle.Count, f.Active, f.BootstrapPath)).ToArray();
        }
        return JsonAsync(context, StatusCodes.Status200OK, summaries, EmulatorJsonContext.Default.FunctionSummaryArray);
    }

    private Task UsageAsync(HttpContext context) => JsonAsync(context, StatusCodes.Status200OK, GetUsage(), EmulatorJsonContext.Default.LambdaEmulatorUsage);

    /// <summary><c>POST /emulator/reclaim?instance=ID</c> | <c>?function=NAME</c> | <c>?random=N</c>: kills instances now.</summary>
    private Task ReclaimAsync(HttpContext context)
    {
        var query = context.Request.Query;
        if (query.TryGetValue("instance", out var instance) && instance.ToString() is { Length: > 0 } id)
        {
            return ReclaimInstance(id)
                ? JsonAsync(context, StatusCodes.Status200OK, new ReclaimResult([id]), EmulatorJsonContext.Default.ReclaimResult)
                : AdminErrorAsync(context, StatusCodes.Status404NotFound, $"No live instance '{id}'.");
        }
        if (query.TryGetValue("function", out var function) && function.ToString() is { Length: > 0 } name)
        {
            bool known;
            lock (_gate) known = _functions.ContainsKey(name);
            return known
                ? JsonAsync(context, StatusCodes.Status200OK, new ReclaimResult(ReclaimFunctionIds(name)), EmulatorJsonContext.Default.ReclaimResult)
                : AdminErrorAsync(context, StatusCodes.Status404NotFound, $"No function '{name}'.");
        }
        if (query.TryGetValue("random", out var random))
        {
            string text = random.ToString();
            int count = 1;
            if (text.Length > 0 && (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out count) || count < 1))
                return AdminErrorAsync(context, StatusCodes.Status400BadRequest, $"random={text}: expected a positive count.");
            return JsonAsync(context, StatusCodes.Status200OK, new ReclaimResult(ReclaimRandom(count)), EmulatorJsonContext.Default.ReclaimResult);
        }
        return AdminErrorAsync(context, StatusCodes.Status400BadRequest, "Say what to reclaim: ?instance=ID, ?function=NAME or ?random=N.");
    }

    private static Task UnknownAsync(HttpContext context)
        => ServiceErrorAsync(context, StatusCodes.Status404NotFound, "UnknownOperationException",
            $"{context.Request.Method} {context.Request.Path} is not an operation of the Lambda emulator (it serves POST {InvokePattern} and /emulator/…).");

    private static Task AdminErrorAsync(HttpContext context, int status, string message)
        => JsonAsync(context, status, new AdminError(message), EmulatorJsonContext.Default.AdminError);

    private static async Task JsonAsync<T>(HttpContext context, int status, T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await JsonSerializer.SerializeAsync(context.Response.Body, value, typeInfo, context.RequestAborted).ConfigureAwait(false);
    }
}

/// <summary>A function as <c>GET /emulator/functions</c> lists it.</summary>
internal sealed record FunctionSummary(string Name, string Arn, int MemoryMiB, double TimeoutSeconds, int ReservedConcurrency, int Instances, int Idle, int Active, string BootstrapPath);

/// <summary>The answer of <c>POST /emulator/reclaim</c>.</summary>
internal sealed record ReclaimResult(IReadOnlyList<string> Reclaimed);

/// <summary>An admin endpoint's error.</summary>
internal sealed record AdminError(string Message);

[JsonSerializable(typeof(LambdaInstanceInfo[]))]
[JsonSerializable(typeof(FunctionSummary[]))]
[JsonSerializable(typeof(LambdaEmulatorUsage))]
[JsonSerializable(typeof(ReclaimResult))]
[JsonSerializable(typeof(AdminError))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, UseStringEnumConverter = true)]
internal sealed partial class EmulatorJsonContext : JsonSerializerContext;
