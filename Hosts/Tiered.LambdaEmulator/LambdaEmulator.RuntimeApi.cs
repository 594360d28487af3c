using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Tiered.LambdaEmulator;

public sealed partial class LambdaEmulator
{
    private const string RuntimePrefix = "/2018-06-01/runtime/";
    private static readonly byte[] StatusOk = """{"status":"OK"}"""u8.ToArray();

    /// <summary>One instance's Runtime API (2018-06-01): <c>invocation/next</c>, <c>invocation/{id}/response</c>, <c>invocation/{id}/error</c>, <c>init/error</c>.</summary>
    private void MapRuntimeApi(WebApplication app, EmulatedInstance instance)
        => app.Run(context => HandleRuntimeApiAsync(instance, context));

    private Task HandleRuntimeApiAsync(EmulatedInstance instance, HttpContext context)
    {
        string path = context.Request.Path.Value ?? "";
        bool get = HttpMethods.IsGet(context.Request.Method), post = HttpMethods.IsPost(context.Request.Method);
        if (path.StartsWith(RuntimePrefix, StringComparison.Ordinal))
        {
            string rest = path[RuntimePrefix.Length..];
            if (get && rest == "invocation/next") return NextAsync(instance, context);
            if (post && rest == "init/error") return InitErrorAsync(instance, context);
            if (post && rest.StartsWith("invocation/", StringComparison.Ordinal))
            {
                string tail = rest["invocation/".Length..];
                if (tail.EndsWith("/response", StringComparison.Ordinal)) return ResponseAsync(instance, context, Uri.UnescapeDataString(tail[..^"/response".Length]));
                if (tail.EndsWith("/error", StringComparison.Ordinal)) return ErrorAsync(instance, context, Uri.UnescapeDataString(tail[..^"/error".Length]));
            }
        }
        return RuntimeReplyAsync(context, StatusCodes.Status404NotFound, ErrorDocument("InvalidRequest", $"{context.Request.Method} {path} is not a Runtime API 2018-06-01 operation."));
    }

    /// <summary><c>GET next</c>: the first one ends the init phase; each hands out the instance's next invocation and starts its deadline.</summary>
    private async Task NextAsync(EmulatedInstance instance, HttpContext context)
    {
        lock (_gate)
        {
            if (!instance.Initialized)
            {
                instance.Initialized = true;
                instance.InitDuration = System.Diagnostics.Stopwatch.GetElapsedTime(instance.StartTimestamp);
                instance.InitTimer?.Dispose();
                instance.InitTimer = null;
            }
        }
        while (true)
        {
            PendingInvocation invocation;
            try
            {
                invocation = await instance.Mailbox.Reader.ReadAsync(context.RequestAborted).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return; // the runtime went away
            }
            catch (System.Threading.Channels.ChannelClosedException)
            {
                await RuntimeReplyAsync(context, StatusCodes.Status410Gone, ErrorDocument("InstanceReclaimed", "This execution environment is being shut down.")).ConfigureAwait(false);
                return;
            }

            DateTimeOffset deadline;
            lock (_gate)
            {
                if (invocation.IsCompleted || instance.Current != invocation || instance.IsRetired) continue;
                invocation.DeliveredTimestamp = System.Diagnostics.Stopwatch.GetTimestamp();
                instance.State = LambdaInstanceState.Busy;
                deadline = DateTimeOffset.UtcNow + invocation.Function.Timeout;
                invocation.DeadlineTimer = TimeProvider.System.CreateTimer(static s => { var (e, p) = ((LambdaEmulator, PendingInvocation))s!; e.OnDeadline(p); },
                    (this, invocation), invocation.Function.Timeout, Timeout.InfiniteTimeSpan);
            }
            invocation.Log.TakeFrom(instance.Spill);
            invocation.Log.Append($"START RequestId: {invocation.RequestId} Version: $LATEST");
            instance.LogTarget = invocation.Log;

            var headers = context.Response.Headers;
            headers["Lambda-Runtime-Aws-Request-Id"] = invocation.RequestId;
            headers["Lambda-Runtime-Deadline-Ms"] = deadline.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
            headers["Lambda-Runtime-Invoked-Function-Arn"] = invocation.InvokedArn;
            headers["Lambda-Runtime-Trace-Id"] = invocation.TraceId;
            if (invocation.ClientContext is { } clientContext) headers["Lambda-Runtime-Client-Context"] = clientContext;
            context.Response.StatusCode = StatusCodes.Status200OK;
            context.Response.ContentType = "application/json";
            context.Response.ContentLength = invocation.Payload.Length;
            try
            {
                await context.Response.Body.WriteAsync(invocation.Payload, context.RequestAborted).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or IOException)
            {
                // The runtime is gone; its exit or the deadline ends the invocation.
            }
            return;
        }
    }

    /// <summary><c>POST invocation/{id}/response</c>: the result (at most 6 MB); the instance becomes idle.</summary>
    private async Task ResponseAsync(EmulatedInstance instance, HttpContext context, string requestId)
    {
        var (body, tooLarge) = await ReadBodyAsync(context.Request, LambdaEmulatorOptions.MaxSyncPayloadBytes, context.RequestAborted).ConfigureAwait(false);
        var invocation = Delivered(instance, requestId);
        if (invocation is null)
        {
            await RuntimeReplyAsync(context, StatusCodes.Status400BadRequest, ErrorDocument("InvalidRequestID", $"No invocation {requestId} is running on this execution environment.")).ConfigureAwait(false);
            return;
        }
        if (tooLarge)
        {
            string message = $"Response payload size exceeded maximum allowed payload size ({LambdaEmulatorOptions.MaxSyncPayloadBytes} bytes).";
            Complete(instance, invocation, new InvocationOutcome(ErrorDocument("Function.ResponseSizeTooLarge", message), "Function.ResponseSizeTooLarge", null), release: true);
            await RuntimeReplyAsync(context, StatusCodes.Status413PayloadTooLarge, ErrorDocument("RequestEntityTooLarge", message)).ConfigureAwait(false);
            return;
        }
        Complete(instance, invocation, new InvocationOutcome(body, null, null), release: true);
        await RuntimeReplyAsync(context, StatusCodes.Status202Accepted, StatusOk).ConfigureAwait(false);
    }

    /// <summary><c>POST invocation/{id}/error</c>: a function error (<c>X-Amz-Function-Error: Unhandled</c>); the instance stays warm.</summary>
    private async Task ErrorAsync(EmulatedInstance instance, HttpContext context, string requestId)
    {
        var (body, _) = await ReadBodyAsync(context.Request, LambdaEmulatorOptions.MaxSyncPayloadBytes, context.RequestAborted).ConfigureAwait(false);
        var invocation = Delivered(instance, requestId);
        if (invocation is null)
        {
            await RuntimeReplyAsync(context, StatusCodes.Status400BadRequest, ErrorDocument("InvalidRequestID", $"No invocation {requestId} is running on this execution environment.")).ConfigureAwait(false);
            return;
        }
        var (document, type, _) = ParseError(body, context.Request.Headers["Lambda-Runtime-Function-Error-Type"].ToString());
        Complete(instance, invocation, new InvocationOutcome(document, type, null), release: true);
        await RuntimeReplyAsync(context, StatusCodes.Status202Accepted, StatusOk).ConfigureAwait(false);
    }

    /// <summary><c>POST init/error</c>: the environment failed to initialize; its invocation fails with <c>Runtime.InitError</c> and the process is killed.</summary>
    private async Task InitErrorAsync(EmulatedInstance instance, HttpContext context)
    {
        var (body, _) = await ReadBodyAsync(context.Request, LambdaEmulatorOptions.MaxSyncPayloadBytes, context.RequestAborted).ConfigureAwait(false);
        var (_, type, message) = ParseError(body, context.Request.Headers["Lambda-Runtime-Function-Error-Type"].ToString());
        instance.Spill.Append($"INIT_REPORT Status: error\tError Type: {type}");
        await RuntimeReplyAsync(context, StatusCodes.Status202Accepted, StatusOk).ConfigureAwait(false);
        await context.Response.CompleteAsync().ConfigureAwait(false);
        RetireWork? work;
        lock (_gate) work = RetireLocked(instance, LambdaInstanceExitReason.InitFailed);
        if (work is not null)
            CompleteRetire(work, p => Failure(p, "Runtime.InitError", $"RequestId: {p.RequestId} Error: {type}: {message}", "error"));
    }

    private PendingInvocation? Delivered(EmulatedInstance instance, string requestId)
    {
        lock (_gate)
            return instance.Current is { } current && current.RequestId == requestId && current.Delivered && !current.IsCompleted ? current : null;
    }

    /// <summary>A runtime's error document: the body when it is a JSON object (else one made of its text), its type and message.</summary>
    private static (byte[] Document, string Type, string Message) ParseError(byte[] body, string headerType)
    {
        string? type = string.IsNullOrWhiteSpace(headerType) ? null : headerType;
        string? message = null;
        bool isObject = false;
        try
        {
            using var json = JsonDocument.Parse(body);
            if (json.RootElement.ValueKind == JsonValueKind.Object)
            {
                isObject = true;
                if (json.RootElement.TryGetProperty("errorType", out var t) && t.ValueKind == JsonValueKind.String) type ??= t.GetString();
                if (json.RootElement.TryGetProperty("errorMessage", out var m) && m.ValueKind == JsonValueKind.String) message = m.GetString();
            }
        }
        catch (JsonException)
        {
        }
        type ??= "Runtime.Unknown";
        message ??= isObject ? "" : Encoding.UTF8.GetString(body);
        return (isObject ? body : ErrorDocument(type, message), type, message);
    }

    private static async Task RuntimeReplyAsync(HttpContext context, int status, byte[] body)
    {
        if (context.Response.HasStarted) return;
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = body.Length;
        try
        {
            await context.Response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
        }
    }

    /// <summary>Reads a request body up to <paramref name="limit"/> bytes; beyond that it is drained and reported too large.</summary>
    private static async Task<(byte[] Body, bool TooLarge)> ReadBodyAsync(HttpRequest request, int limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength is long declared && declared > limit) return ([], true);
        var buffer = new ArrayBufferWriter<byte>(request.ContentLength is long known and > 0 ? (int)known : 4096);
        try
        {
            while (true)
            {
                var memory = buffer.GetMemory(64 * 1024);
                int read = await request.Body.ReadAsync(memory, cancellationToken).ConfigureAwait(false);
                if (read == 0) break;
                buffer.Advance(read);
                if (buffer.WrittenCount > limit) return ([], true);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or BadHttpRequestException)
        {
            return (buffer.WrittenSpan.ToArray(), false);
        }
        return (buffer.WrittenSpan.ToArray(), false);
    }
}
