using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Tiered.Nodes;

namespace Tiered.Functions.Azure;

/// <summary>
/// What the HTTP trigger runs, without the Functions host: the body of <c>POST /api/node</c> in, a status and a body out.
/// One object for the life of the worker process (a DI singleton), holding the <see cref="FunctionNode"/>s — so their chunk
/// stores, the instance's memory, survive between invocations of the warm instance. A process serves one node per
/// <see cref="NodeInvocation.NodeId"/>: with one app per node that is one node; with one app hosting several nodes
/// (development), each node keeps its own store, so none lists or deletes another's chunks.
/// </summary>
public sealed partial class NodeFunction
{
    /// <summary>The largest body accepted (a node invocation is a few hundred bytes).</summary>
    public const int MaxPayloadBytes = 64 * 1024;

    private readonly ConcurrentDictionary<string, FunctionNode> _nodes = new(StringComparer.Ordinal);
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private int _invocations, _inFlight;

    /// <summary>Creates the function for one worker process.</summary>
    /// <param name="settings">The process's settings (instance id, memory, timeout, node options).</param>
    /// <param name="loggerFactory">Logs of the function and its nodes (the Functions host ships them to Application Insights).</param>
    /// <param name="timeProvider">Deadlines and idle timeouts of the nodes.</param>
    public NodeFunction(NodeWorkerSettings settings, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        Settings = settings;
        _loggers = loggerFactory ?? NullLoggerFactory.Instance;
        _logger = _loggers.CreateLogger<NodeFunction>();
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The process's settings.</summary>
    public NodeWorkerSettings Settings { get; }

    /// <summary>The nodes this process serves, by node id (the chunks live in their stores).</summary>
    public IReadOnlyDictionary<string, FunctionNode> Nodes => _nodes;

    /// <summary>How many invocations this process has begun.</summary>
    public int Invocations => Volatile.Read(ref _invocations);

    /// <summary>How many invocations are running now.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Runs one invocation whose body is still in <paramref name="body"/> (read up to <see cref="MaxPayloadBytes"/>; more is a 413).</summary>
    public async Task<NodeResponse> InvokeAsync(Stream body, string? invocationId = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(body);
        byte[] payload;
        try
        {
            payload = await ReadBodyAsync(body, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataException e)
        {
            bool cold = Interlocked.Increment(ref _invocations) == 1;
            string id = string.IsNullOrEmpty(invocationId) ? Guid.NewGuid().ToString() : invocationId;
            LogRejected(id, 413, e.Message);
            return Error(413, "PayloadTooLarge", e.Message, cold, id);
        }
        return await InvokeAsync(payload, invocationId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs one invocation: parses the node invocation, runs its node until it says goodbye, and answers 200 with the node's
    /// summary JSON; a payload it cannot read is 400 with the <see cref="ArgumentException"/>'s message, any other failure 500
    /// (both marked as function errors). The process keeps serving after either.
    /// </summary>
    /// <param name="body">The request body (the <see cref="NodeInvocation"/> JSON).</param>
    /// <param name="invocationId">The Functions host's invocation id, for the context and logs; null: a new one.</param>
    /// <param name="cancellationToken">The host's cancellation (shutdown): the node says goodbye and returns.</param>
    public async Task<NodeResponse> InvokeAsync(ReadOnlyMemory<byte> body, string? invocationId = null, CancellationToken cancellationToken = default)
    {
        bool cold = Interlocked.Increment(ref _invocations) == 1;
        string id = string.IsNullOrEmpty(invocationId) ? Guid.NewGuid().ToString() : invocationId;
        NodeInvocation invocation;
        try
        {
            invocation = NodeInvocation.FromJson(body.Span);
        }
        catch (ArgumentException e)
        {
            LogRejected(id, 400, e.Message);
            return Error(400, nameof(ArgumentException), e.Message, cold, id);
        }

        var node = _nodes.GetOrAdd(invocation.NodeId, _ => new FunctionNode(Settings.NodeOptions, _time, _loggers.CreateLogger<FunctionNode>()));
        var started = _time.GetUtcNow();
        var context = new FunctionContext(Settings.FunctionName, Settings.InstanceId, id, started + Settings.FunctionTimeout, Settings.MemoryBytes);
        long start = Stopwatch.GetTimestamp();
        Interlocked.Increment(ref _inFlight);
        try
        {
            var summary = await node.HandleAsync(body, context, cancellationToken).ConfigureAwait(false);
            var read = TryReadSummary(summary.Span);
            LogServed(id, invocation.NodeId, invocation.Kind, read?.Outcome ?? "?", read?.CommandsServed ?? 0, read?.ChunksHeld ?? 0, read?.BytesHeld ?? 0,
                Stopwatch.GetElapsedTime(start).TotalMilliseconds, cold);
            return new NodeResponse(200, summary, Settings.InstanceId, cold, null, id);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            LogFailed(id, invocation.NodeId, e);
            return Error(500, e.GetType().Name, e.Message, cold, id);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    /// <summary>Reads a request body of at most <see cref="MaxPayloadBytes"/>.</summary>
    /// <exception cref="InvalidDataException">The body is longer.</exception>
    public static async Task<byte[]> ReadBodyAsync(Stream body, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(body);
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > MaxPayloadBytes)
                throw new InvalidDataException($"The request body is larger than {MaxPayloadBytes} bytes; a node invocation is a small JSON document.");
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    private NodeResponse Error(int status, string type, string message, bool cold, string invocationId)
    {
        var json = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(json))
        {
            writer.WriteStartObject();
            writer.WriteString("errorType", type);
            writer.WriteString("errorMessage", message);
            writer.WriteString("instanceId", Settings.InstanceId);
            writer.WriteEndObject();
        }
        return new NodeResponse(status, json.WrittenMemory.ToArray(), Settings.InstanceId, cold, type, invocationId);
    }

    private static NodeInvocationSummary? TryReadSummary(ReadOnlySpan<byte> json)
    {
        try
        {
            return NodeInvocationSummary.FromJson(json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Invocation {InvocationId}: node {NodeId} ({Kind}) {Outcome} after {Milliseconds:0.0} ms, {Served} commands, holds {Chunks} chunks ({Bytes} bytes), cold start {ColdStart}")]
    private partial void LogServed(string invocationId, string nodeId, InvocationKind kind, string outcome, int served, int chunks, long bytes, double milliseconds, bool coldStart);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Invocation {InvocationId} refused with {Status}: {Reason}")]
    private partial void LogRejected(string invocationId, int status, string reason);

    [LoggerMessage(EventId = 3, Level = LogLevel.Error, Message = "Invocation {InvocationId} of node {NodeId} failed")]
    private partial void LogFailed(string invocationId, string nodeId, Exception exception);
}

/// <summary>What the trigger answers: the status, the JSON body, and the headers the backend reads.</summary>
/// <param name="StatusCode">200 with the node's summary; 400 for a payload the node cannot read; 413 for an oversized body; 500 for a failure.</param>
/// <param name="Body">The node's summary JSON, or <c>{"errorType","errorMessage","instanceId"}</c>.</param>
/// <param name="InstanceId">The instance that answered (<c>X-Tiered-Instance</c>).</param>
/// <param name="ColdStart">Whether this was the first invocation of the worker process (<c>X-Tiered-Cold-Start: true</c>).</param>
/// <param name="ErrorType">The function's error type (<c>X-Tiered-Function-Error</c>), or null on success.</param>
/// <param name="InvocationId">The invocation's id (<c>X-Tiered-Invocation-Id</c>).</param>
public sealed record NodeResponse(int StatusCode, ReadOnlyMemory<byte> Body, string InstanceId, bool ColdStart, string? ErrorType, string InvocationId)
{
    /// <summary>The body's media type.</summary>
    public const string ContentType = "application/json";

    /// <summary>Set (to the error type) on an answer of the function that failed: the backend makes it a result with an error, not a platform failure.</summary>
    public const string FunctionErrorHeader = "X-Tiered-Function-Error";

    /// <summary>Set to <c>true</c> on the first invocation of the worker process.</summary>
    public const string ColdStartHeader = "X-Tiered-Cold-Start";

    /// <summary>The instance that answered, on every answer.</summary>
    public const string InstanceHeader = "X-Tiered-Instance";

    /// <summary>The host's invocation id, on every answer (for finding its logs).</summary>
    public const string InvocationIdHeader = "X-Tiered-Invocation-Id";

    /// <summary>The headers to send besides <c>Content-Type</c>.</summary>
    public IEnumerable<KeyValuePair<string, string>> Headers()
    {
        yield return new(InstanceHeader, InstanceId);
        if (ColdStart) yield return new(ColdStartHeader, "true");
        if (ErrorType is not null) yield return new(FunctionErrorHeader, ErrorType);
        yield return new(InvocationIdHeader, InvocationId);
    }
}
