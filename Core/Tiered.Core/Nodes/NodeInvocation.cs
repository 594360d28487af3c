using System.Text.Json;
using System.Text.Json.Serialization;
using Tiered.Functions;

namespace Tiered.Nodes;

/// <summary>
/// The payload of a node invocation: where to dial back, as which node, with which one-time token, and
/// how long to stay when idle. Serialized as JSON so every platform (Lambda, Azure, GCP) can carry it.
/// </summary>
public sealed record NodeInvocation
{
    public required string ProxyHost { get; init; }
    public required int ProxyPort { get; init; }
    public required string NodeId { get; init; }
    public required byte[] Token { get; init; }
    public InvocationKind Kind { get; init; } = InvocationKind.Serve;

    /// <summary>The node returns after this long without a command.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The node returns after this long even while busy (null: only before the platform's deadline). The proxy gives each
    /// activation a different limit so that a pool's invocations do not all end — and, on platforms that recycle an
    /// instance when its invocation ends, do not all fail over — at the same moment.
    /// </summary>
    public TimeSpan? SessionLimit { get; init; }

    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this, NodeJsonContext.Default.NodeInvocation);

    /// <summary>Parses a payload; a malformed one is an <see cref="ArgumentException"/> naming the problem.</summary>
    public static NodeInvocation FromJson(ReadOnlySpan<byte> json)
    {
        try
        {
            var invocation = JsonSerializer.Deserialize(json, NodeJsonContext.Default.NodeInvocation)
                ?? throw new ArgumentException("The node invocation payload is null.");
            if (string.IsNullOrEmpty(invocation.NodeId)) throw new ArgumentException("The node invocation has no NodeId.");
            if (invocation.ProxyPort is <= 0 or > 65535) throw new ArgumentException($"The node invocation's ProxyPort {invocation.ProxyPort} is not a TCP port.");
            if (invocation.Token.Length == 0) throw new ArgumentException("The node invocation has no Token.");
            return invocation;
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"The node invocation payload is not valid JSON: {e.Message}", e);
        }
    }
}

/// <summary>What a node reports when its invocation returns.</summary>
public sealed record NodeInvocationSummary
{
    public string NodeId { get; init; } = "";
    public string InstanceId { get; init; } = "";
    public string Outcome { get; init; } = "";
    public int CommandsServed { get; init; }
    public int ChunksHeld { get; init; }
    public long BytesHeld { get; init; }

    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this, NodeJsonContext.Default.NodeInvocationSummary);
    public static NodeInvocationSummary? FromJson(ReadOnlySpan<byte> json) => JsonSerializer.Deserialize(json, NodeJsonContext.Default.NodeInvocationSummary);
}

[JsonSerializable(typeof(NodeInvocation))]
[JsonSerializable(typeof(NodeInvocationSummary))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
internal sealed partial class NodeJsonContext : JsonSerializerContext;
