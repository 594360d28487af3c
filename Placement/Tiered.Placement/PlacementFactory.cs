using System.Globalization;

namespace Tiered.Placement;

/// <summary>
/// Creates placements by name, with an optional parameter in parentheses:
/// <c>modulo</c>, <c>ring</c>, <c>vnodes</c> / <c>vnodes(V)</c>, <c>rendezvous</c>, <c>jump</c>, <c>maglev</c> / <c>maglev(PRIME)</c>,
/// <c>bounded</c> / <c>bounded(C)</c>. Aliases: <c>consistent-hash</c> for ring, <c>virtual-nodes</c> for vnodes,
/// <c>hrw</c> for rendezvous, <c>bounded-load</c> for bounded.
/// </summary>
public static class PlacementFactory
{
    /// <summary>The canonical strategy names, in the order the statistics command lists them.</summary>
    public static IReadOnlyList<string> Names { get; } = ["modulo", "ring", "vnodes", "rendezvous", "jump", "maglev", "bounded"];

    /// <summary>Creates a placement of string nodes (each node is its own name).</summary>
    /// <exception cref="ArgumentException">the name is unknown or its parameter is malformed or out of range.</exception>
    public static SnapshotPlacement<string> Create(string spec, PlacementOptions? options = null) => Create<string>(spec, options);

    /// <summary>Creates a placement; <paramref name="nameOf"/> gives each node its stable name (default <see cref="NodeNames.Default{TNode}"/>).</summary>
    /// <param name="spec">A strategy name, optionally with its parameter, e.g. <c>vnodes(160)</c>; the parameter overrides <paramref name="options"/>.</param>
    /// <param name="options">Parameters for strategies named without one.</param>
    /// <param name="nameOf">The stable name of a node.</param>
    /// <exception cref="ArgumentException">the name is unknown or its parameter is malformed or out of range.</exception>
    public static SnapshotPlacement<TNode> Create<TNode>(string spec, PlacementOptions? options = null, Func<TNode, string>? nameOf = null) where TNode : notnull
    {
        ArgumentNullException.ThrowIfNull(spec);
        options ??= new PlacementOptions();
        string text = spec.Trim();
        string name = text;
        string? parameter = null;
        int open = text.IndexOf('(');
        if (open >= 0)
        {
            if (!text.EndsWith(')'))
                throw new ArgumentException($"malformed placement '{spec}': expected NAME or NAME(PARAMETER)", nameof(spec));
            name = text[..open].Trim();
            parameter = text[(open + 1)..^1].Trim();
        }
        try
        {
            switch (name.ToLowerInvariant())
            {
                case "modulo" or "mod":
                    NoParameter(name, parameter);
                    return new ModuloPlacement<TNode>(nameOf);
                case "ring" or "consistent-hash" or "consistenthash" or "consistent":
                    NoParameter(name, parameter);
                    return new ConsistentHashPlacement<TNode>(nameOf);
                case "vnodes" or "virtual-nodes" or "virtualnodes":
                    return new VirtualNodePlacement<TNode>(parameter is null ? options.VirtualNodes : ParseInt(name, parameter), nameOf);
                case "rendezvous" or "hrw":
                    NoParameter(name, parameter);
                    return new RendezvousPlacement<TNode>(nameOf);
                case "jump":
                    NoParameter(name, parameter);
                    return new JumpPlacement<TNode>(nameOf);
                case "maglev":
                    return new MaglevPlacement<TNode>(parameter is null ? options.MaglevTableSize : ParseInt(name, parameter), nameOf);
                case "bounded" or "bounded-load" or "boundedload":
                    return new BoundedLoadPlacement<TNode>(parameter is null ? options.CapacityFactor : ParseDouble(name, parameter), options.VirtualNodes, nameOf);
                default:
                    throw new ArgumentException($"unknown placement strategy '{name}'; known: {string.Join(", ", Names)}", nameof(spec));
            }
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new ArgumentException($"bad parameter for placement '{spec}': {Plain(e)}", nameof(spec), e);
        }
    }

    /// <summary>The first line of an argument exception's message, without the "(Parameter 'x')" suffix.</summary>
    private static string Plain(ArgumentException e)
    {
        string line = e.Message.Split('\n')[0].TrimEnd();
        string suffix = e.ParamName is null ? "" : $" (Parameter '{e.ParamName}')";
        return suffix.Length > 0 && line.EndsWith(suffix, StringComparison.Ordinal) ? line[..^suffix.Length] : line;
    }

    private static void NoParameter(string name, string? parameter)
    {
        if (parameter is not null)
            throw new ArgumentException($"placement strategy '{name}' takes no parameter (got '{parameter}')");
    }

    private static int ParseInt(string name, string parameter) =>
        int.TryParse(parameter, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value)
            ? value
            : throw new ArgumentException($"placement strategy '{name}' takes a whole number (got '{parameter}')");

    private static double ParseDouble(string name, string parameter) =>
        double.TryParse(parameter, NumberStyles.Float, CultureInfo.InvariantCulture, out double value)
            ? value
            : throw new ArgumentException($"placement strategy '{name}' takes a number (got '{parameter}')");
}
