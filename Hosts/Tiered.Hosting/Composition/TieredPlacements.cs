using System.Globalization;
using Tiered.Placement;

namespace Tiered.Hosting;

/// <summary>Turns <see cref="TieredPlacementOptions"/> into a placement, and explains (naming the key) why it cannot.</summary>
internal static class TieredPlacements
{
    private const string P = "Tiered:Placement";

    public static bool IsBuiltIn(string kind) => Canonical(kind) is not null;

    private static string? Canonical(string kind) => kind.Trim().ToLowerInvariant() switch
    {
        "modulo" or "mod" => "modulo",
        "ring" or "consistent-hash" or "consistenthash" or "consistent" => "ring",
        "vnodes" or "virtual-nodes" or "virtualnodes" => "vnodes",
        "rendezvous" or "hrw" => "rendezvous",
        "jump" => "jump",
        "maglev" => "maglev",
        "bounded" or "bounded-load" or "boundedload" => "bounded",
        _ => null,
    };

    /// <summary>Applies <c>kind(parameter)</c> to <paramref name="options"/> (for <c>UsePlacement("vnodes(160)")</c>).</summary>
    public static void Apply(TieredPlacementOptions options, string specText)
    {
        var spec = ComponentSpec.Parse(specText, "placement");
        options.Kind = spec.Kind;
        options.VirtualNodes = options.MaglevTableSize = null;
        options.CapacityFactor = null;
        options.Parameters.Clear();
        string? canonical = Canonical(spec.Kind);
        if (canonical is null)
        {
            for (int i = 0; i < spec.Positional.Count; i++) options.Parameters[i.ToString(CultureInfo.InvariantCulture)] = spec.Positional[i];
            foreach (var (name, value) in spec.Named) options.Parameters[name] = value;
            return;
        }
        if (spec.Named.Count > 0) throw new ArgumentException($"'{specText}': {canonical} takes no named parameters.", nameof(specText));
        spec.AtMost(canonical is "vnodes" or "maglev" or "bounded" ? 1 : 0, specText);
        if (spec.Positional.Count == 0) return;
        switch (canonical)
        {
            case "vnodes": options.VirtualNodes = spec.Int(0, specText); break;
            case "maglev": options.MaglevTableSize = spec.Int(0, specText); break;
            default:
                options.CapacityFactor = double.TryParse(spec.Positional[0], NumberStyles.Float, CultureInfo.InvariantCulture, out double c)
                    ? c : throw new ArgumentException($"'{specText}': '{spec.Positional[0]}' is not a number.", nameof(specText));
                break;
        }
    }

    /// <summary>Every problem with the placement settings, each naming its key; empty when a placement can be built.</summary>
    public static List<string> Validate(TieredPlacementOptions o, TieredComponentRegistry registry)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(o.Kind))
        {
            errors.Add($"{P}:Kind is required (known: {string.Join(", ", registry.PlacementKinds)}).");
            return errors;
        }
        if (o.VirtualNodes is int v && v < 1) errors.Add($"{P}:VirtualNodes must be at least 1 (was {v}).");
        if (o.MaglevTableSize is int m && m < 1) errors.Add($"{P}:MaglevTableSize must be at least 1 (was {m}).");
        if (o.CapacityFactor is double c && !(c > 0 && double.IsFinite(c)))
            errors.Add($"{P}:CapacityFactor must be a positive finite number (was {c.ToString(CultureInfo.InvariantCulture)}).");
        string kind = o.Kind.Trim();
        if (!registry.Placements.ContainsKey(kind) && Canonical(kind) is null)
        {
            errors.Add($"{P}:Kind '{kind}' is not a known placement (known: {string.Join(", ", registry.PlacementKinds)}).");
            return errors;
        }
        if (!registry.Placements.ContainsKey(kind) && o.Parameters.Count > 0)
            errors.Add($"{P}:Parameters ({string.Join(", ", o.Parameters.Keys)}) apply only to registered placements, not to {Canonical(kind)}.");
        if (errors.Count > 0) return errors;
        try { _ = Create(o, registry) ?? throw new InvalidOperationException("the placement factory returned null"); }
        catch (Exception e)
        {
            errors.Add($"{P}: the '{kind}' placement cannot be built from these settings: {e.Message}");
        }
        return errors;
    }

    /// <summary>Builds the placement (the settings must have passed <see cref="Validate"/>).</summary>
    public static IPlacement<string> Create(TieredPlacementOptions o, TieredComponentRegistry registry)
    {
        string kind = o.Kind.Trim();
        if (registry.Placements.TryGetValue(kind, out var factory)) return factory(o);
        var defaults = new PlacementOptions();
        return PlacementFactory.Create(Canonical(kind) ?? kind, defaults with
        {
            VirtualNodes = o.VirtualNodes ?? defaults.VirtualNodes,
            MaglevTableSize = o.MaglevTableSize ?? defaults.MaglevTableSize,
            CapacityFactor = o.CapacityFactor ?? defaults.CapacityFactor,
        });
    }
}
