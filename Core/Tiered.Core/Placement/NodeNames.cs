using System.Globalization;

namespace Tiered.Placement;

/// <summary>How a placement names nodes when the caller gives no naming function.</summary>
public static class NodeNames
{
    /// <summary>
    /// The default name of a node: a string is its own name; an <see cref="IFormattable"/> (numbers, <see cref="Guid"/>, …)
    /// is formatted with the invariant culture; anything else uses <see cref="object.ToString"/>, which must then be overridden
    /// to give a stable, distinct name (two nodes with the same name are refused as duplicates).
    /// </summary>
    public static string Default<TNode>(TNode node) where TNode : notnull => node switch
    {
        string text => text,
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => node.ToString() ?? throw new ArgumentException($"node of type {typeof(TNode).Name} has a null ToString(); pass a naming function", nameof(node)),
    };
}
