namespace Tiered.Coding;

/// <summary>A codec could not do what was asked with the shards it was given.</summary>
public class ErasureCodingException : Exception
{
    public ErasureCodingException(string message) : base(message) { }
    public ErasureCodingException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>More shards are missing than the codec can tolerate.</summary>
public sealed class TooManyErasuresException : ErasureCodingException
{
    public TooManyErasuresException(string codec, int missing, int tolerated)
        : base($"{codec}: {missing} shards are missing but at most {tolerated} can be rebuilt.")
    {
        Codec = codec;
        Missing = missing;
        Tolerated = tolerated;
    }

    public string Codec { get; }
    public int Missing { get; }
    public int Tolerated { get; }
}
