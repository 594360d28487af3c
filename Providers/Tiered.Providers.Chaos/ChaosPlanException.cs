namespace Tiered.Chaos;

/// <summary>A chaos spec could not be parsed; the message names the bad item and lists the valid ones.</summary>
public sealed class ChaosPlanException : FormatException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong (naming the item) and what is valid.</param>
    /// <param name="item">The item that is wrong, as written (null when the spec as a whole is).</param>
    public ChaosPlanException(string message, string? item = null)
        : base(message)
    {
        Item = item;
    }

    /// <summary>The item that is wrong, as written in the spec.</summary>
    public string? Item { get; }
}
