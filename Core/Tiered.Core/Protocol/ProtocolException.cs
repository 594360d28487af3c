namespace Tiered.Protocol;

/// <summary>Why a frame or request was refused.</summary>
public enum ProtocolErrorCode
{
    /// <summary>The frame did not start with the protocol's magic bytes.</summary>
    BadMagic = 1,
    /// <summary>The peer speaks a protocol version this side does not.</summary>
    UnsupportedVersion = 2,
    /// <summary>An opcode this side does not know, or one not allowed in this direction or state.</summary>
    UnknownOpcode = 3,
    /// <summary>A header or payload larger than the limits.</summary>
    Oversized = 4,
    /// <summary>The connection ended in the middle of a frame.</summary>
    Truncated = 5,
    /// <summary>The header could not be decoded, or a field is invalid.</summary>
    MalformedHeader = 6,
    /// <summary>A node presented a token the proxy did not issue for it.</summary>
    BadToken = 7,
    /// <summary>A request that is well-formed but cannot be honoured (e.g. an object too large).</summary>
    Rejected = 8,
    /// <summary>The other side failed while serving the request.</summary>
    Internal = 9,
    /// <summary>A node has no memory left for the chunk.</summary>
    NodeFull = 10,
}

/// <summary>A protocol violation or a refused request, with a code a peer can act on.</summary>
public sealed class ProtocolException : Exception
{
    public ProtocolException(ProtocolErrorCode code, string message) : base(message) => Code = code;
    public ProtocolException(ProtocolErrorCode code, string message, Exception inner) : base(message, inner) => Code = code;

    public ProtocolErrorCode Code { get; }

    /// <summary>Whether the connection must close after this error (the byte stream can no longer be trusted).</summary>
    public bool IsFatal => Code is ProtocolErrorCode.BadMagic or ProtocolErrorCode.UnsupportedVersion or ProtocolErrorCode.UnknownOpcode
        or ProtocolErrorCode.Oversized or ProtocolErrorCode.Truncated or ProtocolErrorCode.MalformedHeader or ProtocolErrorCode.BadToken;
}
