namespace Tiered.Proxy;

/// <summary>Why an object version left the proxy's directory.</summary>
public enum ObjectRemovalReason
{
    /// <summary>A newer PUT of the key committed.</summary>
    Replaced,
    /// <summary>A client deleted it.</summary>
    Deleted,
    /// <summary>The least recently used object made room for a new one.</summary>
    Evicted,
    /// <summary>Its time to live ran out.</summary>
    Expired,
    /// <summary>Fewer than k of its chunks were left.</summary>
    Lost,
}
