using System.Globalization;
using Tiered.Codecs;
using Tiered.Coding;

namespace Tiered.Hosting;

/// <summary>Turns <see cref="TieredCodecOptions"/> into a codec, and explains (naming the key) why it cannot.</summary>
internal static class TieredCodecs
{
    private const string P = "Tiered:Codec";

    /// <summary>The most shards a GF(2^8) code can have.</summary>
    public const int MaxShards = 256;

    public static IReadOnlyList<string> BuiltInKinds => CodecFactory.Kinds;

    public static bool IsBuiltIn(string kind) => Canonical(kind) is not null;

    private static string? Canonical(string kind) => kind.Trim().ToLowerInvariant() switch
    {
        "rs" or "reed-solomon" or "reedsolomon" => "rs",
        "replication" => "replication",
        "raid0" or "raid1" or "raid4" or "raid5" or "raid6" => kind.Trim().ToLowerInvariant(),
        _ => null,
    };

    /// <summary>Applies <c>kind(parameters)</c> to <paramref name="options"/> (for <c>UseCodec("rs(10,2)")</c>).</summary>
    public static void Apply(TieredCodecOptions options, string specText)
    {
        var spec = ComponentSpec.Parse(specText, "codec");
        options.Kind = spec.Kind;
        options.DataShards = options.ParityShards = options.Copies = options.StripeUnit = null;
        options.Parameters.Clear();
        string? canonical = Canonical(spec.Kind);
        switch (canonical)
        {
            case "rs":
                spec.AtMost(2, specText);
                if (spec.Positional.Count > 0) options.DataShards = spec.Int(0, specText);
                if (spec.Positional.Count > 1) options.ParityShards = spec.Int(1, specText);
                break;
            case "replication" or "raid1":
                spec.AtMost(1, specText);
                if (spec.Positional.Count > 0) options.Copies = spec.Int(0, specText);
                break;
            case not null:
                spec.AtMost(1, specText);
                if (spec.Positional.Count > 0) options.DataShards = spec.Int(0, specText);
                break;
            default:
                spec.AtMost(2, specText);
                if (spec.Positional.Count > 0) options.DataShards = spec.Int(0, specText);
                if (spec.Positional.Count > 1) options.ParityShards = spec.Int(1, specText);
                break;
        }
        foreach (var (name, value) in spec.Named)
        {
            if (canonical is not null && name.ToLowerInvariant() is "unit" or "stripeunit")
                options.StripeUnit = int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int unit)
                    ? unit : throw new ArgumentException($"'{specText}': '{value}' is not a whole number.", nameof(specText));
            else if (canonical is not null)
                throw new ArgumentException($"'{specText}': unknown parameter '{name}' for {spec.Kind}.", nameof(specText));
            else options.Parameters[name] = value;
        }
    }

    /// <summary>Every problem with the codec settings, each naming its key; empty when a codec can be built.</summary>
    public static List<string> Validate(TieredCodecOptions o, TieredComponentRegistry registry)
    {
        var errors = new List<string>();
        if (o.Kind is not null && string.IsNullOrWhiteSpace(o.Kind))
        {
            errors.Add($"{P}:Kind must not be empty (known: {string.Join(", ", registry.CodecKinds)}).");
            return errors;
        }
        string kind = (o.Kind ?? "rs").Trim();
        NotBelow(errors, "DataShards", o.DataShards, 1);
        NotBelow(errors, "ParityShards", o.ParityShards, 0);
        NotBelow(errors, "Copies", o.Copies, 1);
        NotBelow(errors, "StripeUnit", o.StripeUnit, 1);
        if (registry.Codecs.TryGetValue(kind, out var factory))
        {
            if (errors.Count > 0) return errors;
            try
            {
                var codec = factory(o) ?? throw new InvalidOperationException("the codec factory returned null");
                CheckTotal(errors, codec.DataShards + codec.ParityShards, $"{codec.DataShards} data + {codec.ParityShards} parity shards of {codec.Name}");
            }
            catch (Exception e)
            {
                errors.Add($"{P}: the '{kind}' codec cannot be built from these settings: {e.Message}");
            }
            return errors;
        }
        string? canonical = Canonical(kind);
        if (canonical is null)
        {
            errors.Add($"{P}:Kind '{kind}' is not a known codec (known: {string.Join(", ", registry.CodecKinds)}).");
            return errors;
        }
        if (o.Parameters.Count > 0)
            errors.Add($"{P}:Parameters ({string.Join(", ", o.Parameters.Keys)}) apply only to registered codecs, not to {canonical}.");
        bool defaulted = o.Kind is null && o.DataShards is null && o.ParityShards is null && o.Copies is null && o.StripeUnit is null;
        switch (canonical)
        {
            case "rs":
                if (defaulted) break;
                Required(errors, "DataShards", o.DataShards, canonical);
                Required(errors, "ParityShards", o.ParityShards, canonical);
                NotApplicable(errors, "Copies", o.Copies, canonical);
                NotApplicable(errors, "StripeUnit", o.StripeUnit, canonical);
                if (o.DataShards is int k && o.ParityShards is int r)
                    CheckTotal(errors, (long)k + r, $"{P}:DataShards ({k}) + {P}:ParityShards ({r})");
                break;
            case "replication" or "raid1":
                NotApplicable(errors, "DataShards", o.DataShards, canonical);
                NotApplicable(errors, "ParityShards", o.ParityShards, canonical);
                NotApplicable(errors, "StripeUnit", o.StripeUnit, canonical);
                if (o.Copies is int n) CheckTotal(errors, n, $"{P}:Copies ({n})");
                break;
            default:
                Required(errors, "DataShards", o.DataShards, canonical);
                NotApplicable(errors, "ParityShards", o.ParityShards, canonical);
                NotApplicable(errors, "Copies", o.Copies, canonical);
                int parity = canonical switch { "raid0" => 0, "raid6" => 2, _ => 1 };
                if (o.DataShards is int data)
                    CheckTotal(errors, (long)data + parity, $"{P}:DataShards ({data}) + {parity} parity shard(s) of {canonical}");
                break;
        }
        if (errors.Count > 0) return errors;
        string spec = BuiltInSpec(o, canonical);
        try { CodecFactory.Create(spec); }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidOperationException)
        {
            errors.Add($"{P}: '{spec}' cannot be built: {e.Message}");
        }
        return errors;
    }

    /// <summary>Builds the codec (the settings must have passed <see cref="Validate"/>).</summary>
    public static IErasureCodec Create(TieredCodecOptions o, TieredComponentRegistry registry)
    {
        string kind = (o.Kind ?? "rs").Trim();
        if (registry.Codecs.TryGetValue(kind, out var factory)) return factory(o);
        return CodecFactory.Create(BuiltInSpec(o, Canonical(kind) ?? throw new InvalidOperationException($"{P}:Kind '{kind}' is not a known codec.")));
    }

    private static string BuiltInSpec(TieredCodecOptions o, string canonical)
    {
        string unit = o.StripeUnit is int u ? string.Create(CultureInfo.InvariantCulture, $",unit={u}") : "";
        return canonical switch
        {
            "rs" => string.Create(CultureInfo.InvariantCulture, $"rs({o.DataShards ?? 10},{o.ParityShards ?? 2})"),
            "replication" => string.Create(CultureInfo.InvariantCulture, $"replication({o.Copies ?? 3})"),
            "raid1" => string.Create(CultureInfo.InvariantCulture, $"raid1({o.Copies ?? 2})"),
            _ => string.Create(CultureInfo.InvariantCulture, $"{canonical}({o.DataShards}{unit})"),
        };
    }

    private static void NotBelow(List<string> errors, string key, int? value, int min)
    {
        if (value is int v && v < min)
            errors.Add(min == 0 ? $"{P}:{key} must not be negative (was {v})." : $"{P}:{key} must be at least {min} (was {v}).");
    }

    private static void Required(List<string> errors, string key, int? value, string kind)
    {
        if (value is null) errors.Add($"{P}:{key} is required for the {kind} codec.");
    }

    private static void NotApplicable(List<string> errors, string key, int? value, string kind)
    {
        if (value is not null) errors.Add($"{P}:{key} does not apply to the {kind} codec.");
    }

    private static void CheckTotal(List<string> errors, long total, string what)
    {
        if (total > MaxShards) errors.Add($"{P}: {what} = {total} shards, more than the {MaxShards} a GF(2^8) code allows (k+r ≤ {MaxShards}).");
    }
}
