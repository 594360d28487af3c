using System.Buffers.Binary;

namespace Tiered.Protocol;

/// <summary>
/// The fixed 16 bytes that start every frame, little-endian:
/// magic "TR" (2), version (1), opcode (1), request id (4), header length (4), payload length (4).
/// The MessagePack header and then the raw payload follow, so chunk bytes never pass through a serializer.
/// </summary>
public readonly record struct FramePrefix(FrameOpcode Opcode, uint RequestId, int HeaderLength, int PayloadLength)
{
    public const int Size = 16;
    public const byte Version = 1;
    public const byte Magic0 = (byte)'T';
    public const byte Magic1 = (byte)'R';

    public void Write(Span<byte> destination)
    {
        destination[0] = Magic0;
        destination[1] = Magic1;
        destination[2] = Version;
        destination[3] = (byte)Opcode;
        BinaryPrimitives.WriteUInt32LittleEndian(destination[4..], RequestId);
        BinaryPrimitives.WriteInt32LittleEndian(destination[8..], HeaderLength);
        BinaryPrimitives.WriteInt32LittleEndian(destination[12..], PayloadLength);
    }

    /// <summary>Parses and checks a prefix; throws <see cref="ProtocolException"/> naming what is wrong.</summary>
    public static FramePrefix Read(ReadOnlySpan<byte> source, ProtocolLimits limits)
    {
        if (source[0] != Magic0 || source[1] != Magic1)
            throw new ProtocolException(ProtocolErrorCode.BadMagic, $"Not a Tiered frame: expected magic 'TR' but got 0x{source[0]:X2}{source[1]:X2}.");
        if (source[2] != Version)
            throw new ProtocolException(ProtocolErrorCode.UnsupportedVersion, $"Protocol version {source[2]} is not supported; this side speaks version {Version}.");
        var opcode = (FrameOpcode)source[3];
        if (!Enum.IsDefined(opcode))
            throw new ProtocolException(ProtocolErrorCode.UnknownOpcode, $"Unknown opcode {source[3]}.");
        int headerLength = BinaryPrimitives.ReadInt32LittleEndian(source[8..]);
        int payloadLength = BinaryPrimitives.ReadInt32LittleEndian(source[12..]);
        if (headerLength < 0 || headerLength > limits.MaxHeaderBytes)
            throw new ProtocolException(ProtocolErrorCode.Oversized, $"A {opcode} header of {(uint)headerLength} bytes exceeds the {limits.MaxHeaderBytes}-byte limit.");
        if (payloadLength < 0 || payloadLength > limits.MaxPayloadBytes)
            throw new ProtocolException(ProtocolErrorCode.Oversized, $"A {opcode} payload of {(uint)payloadLength} bytes exceeds the {limits.MaxPayloadBytes}-byte limit.");
        return new FramePrefix(opcode, BinaryPrimitives.ReadUInt32LittleEndian(source[4..]), headerLength, payloadLength);
    }
}
