using System.Net;

namespace Tiered.Resp;

/// <summary>Settings of the Redis-protocol (RESP2) endpoint.</summary>
public sealed record RespServerOptions
{
    /// <summary>The default maximum length of one bulk string (a value), as in Redis' <c>proto-max-bulk-len</c>.</summary>
    public const int DefaultMaxBulkLength = 512 * 1024 * 1024;

    /// <summary>Where to listen; loopback by default. Port 0 picks a free port (see <see cref="RespServer.EndPoint"/>).</summary>
    public IPEndPoint EndPoint { get; init; } = new(IPAddress.Loopback, 6379);

    /// <summary>When set, clients must <c>AUTH</c> with this password before other commands (Redis' <c>requirepass</c>).</summary>
    public string? RequirePass { get; init; }

    /// <summary>The longest bulk string (value) a client may send; longer ones are a protocol error.</summary>
    public int MaxBulkLength { get; init; } = DefaultMaxBulkLength;

    /// <summary>The most arguments one command may have.</summary>
    public int MaxArguments { get; init; } = 1024 * 1024;

    /// <summary>The longest inline command (and the longest length line of a multibulk request).</summary>
    public int MaxInlineLength { get; init; } = 64 * 1024;

    /// <summary>The most clients served at once; further connections get an error and are closed.</summary>
    public int MaxClients { get; init; } = 10_000;

    /// <summary>The version reported as <c>redis_version</c> in INFO and HELLO (clients pick features by it).</summary>
    public string RedisVersion { get; init; } = "7.0.0";

    public RespServerOptions Validate()
    {
        ArgumentNullException.ThrowIfNull(EndPoint, nameof(EndPoint));
        if (MaxBulkLength < 1) throw new ArgumentOutOfRangeException(nameof(MaxBulkLength), MaxBulkLength, "RespServerOptions.MaxBulkLength must be positive.");
        if (MaxArguments < 1) throw new ArgumentOutOfRangeException(nameof(MaxArguments), MaxArguments, "RespServerOptions.MaxArguments must be positive.");
        if (MaxInlineLength < 64) throw new ArgumentOutOfRangeException(nameof(MaxInlineLength), MaxInlineLength, "RespServerOptions.MaxInlineLength must be at least 64.");
        if (MaxClients < 1) throw new ArgumentOutOfRangeException(nameof(MaxClients), MaxClients, "RespServerOptions.MaxClients must be positive.");
        if (RequirePass is { Length: 0 }) throw new ArgumentException("RespServerOptions.RequirePass must not be empty (use null for no password).", nameof(RequirePass));
        return this;
    }
}
