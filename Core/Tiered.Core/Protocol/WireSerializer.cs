using System.Buffers;
using MessagePack;

namespace Tiered.Protocol;

/// <summary>MessagePack for frame headers, hardened for input from untrusted peers.</summary>
public static class WireSerializer
{
    public static MessagePackSerializerOptions Options { get; } =
        MessagePackSerializerOptions.Standard.WithSecurity(MessagePackSecurity.UntrustedData);

    public static void Serialize<T>(IBufferWriter<byte> writer, T value) => MessagePackSerializer.Serialize(writer, value, Options);

    /// <summary>Decodes a header; a malformed one is a <see cref="ProtocolException"/> naming the frame.</summary>
    public static T Deserialize<T>(ReadOnlyMemory<byte> header, FrameOpcode opcode)
    {
        try
        {
            return MessagePackSerializer.Deserialize<T>(header, Options)
                ?? throw new ProtocolException(ProtocolErrorCode.MalformedHeader, $"The {opcode} header is empty.");
        }
        catch (MessagePackSerializationException e)
        {
            throw new ProtocolException(ProtocolErrorCode.MalformedHeader, $"The {opcode} header is not a valid {typeof(T).Name}: {e.Message}", e);
        }
    }
}
