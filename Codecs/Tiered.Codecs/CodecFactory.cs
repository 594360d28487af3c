using System.Globalization;
using System.Text.RegularExpressions;
using Tiered.Codecs.Kernels;
using Tiered.Coding;

namespace Tiered.Codecs;

/// <summary>
/// Builds the built-in codecs from their names: <c>rs(10,4)</c>, <c>replication(3)</c>, <c>raid0(4)</c>,
/// <c>raid1(2)</c>, <c>raid4(4)</c>, <c>raid5(4)</c>, <c>raid6(4)</c>; RAID levels take an optional stripe
/// unit, <c>raid5(4,unit=65536)</c>. Each name round-trips through <see cref="IErasureCodec.Name"/>.
/// </summary>
public static partial class CodecFactory
{
    public static IReadOnlyList<string> Kinds { get; } = ["rs", "replication", "raid0", "raid1", "raid4", "raid5", "raid6"];

    public static IErasureCodec Create(string spec, GaloisKernel? kernel = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(spec);
        var match = SpecPattern().Match(spec.Trim());
        if (!match.Success)
            throw new FormatException($"'{spec}' is not a codec name; expected kind(parameters) such as rs(10,4) or raid5(4,unit=65536).");
        string kind = match.Groups["kind"].Value.ToLowerInvariant();
        var args = match.Groups["args"].Success
            ? match.Groups["args"].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            : [];
        var positional = new List<int>();
        int unit = RaidCodec.DefaultStripeUnit;
        foreach (string arg in args)
        {
            int eq = arg.IndexOf('=');
            if (eq < 0) { positional.Add(ParseInt(spec, arg)); continue; }
            string key = arg[..eq].Trim().ToLowerInvariant();
            if (key is not ("unit" or "stripeunit") || !kind.StartsWith("raid", StringComparison.Ordinal) || kind == "raid1")
                throw new FormatException($"'{spec}': unknown parameter '{arg[..eq].Trim()}' for {kind}.");
            unit = ParseInt(spec, arg[(eq + 1)..].Trim());
        }

        return kind switch
        {
            "rs" or "reed-solomon" or "reedsolomon" => new ReedSolomonCodec(Positional(spec, positional, 0, null), Positional(spec, positional, 1, null), kernel),
            "replication" => new ReplicationCodec(Positional(spec, positional, 0, 3), kernel),
            "raid1" => ReplicationCodec.Raid1(Positional(spec, positional, 0, 2), kernel),
            "raid0" => RaidCodec.Raid0(Positional(spec, positional, 0, null), unit, kernel),
            "raid4" => RaidCodec.Raid4(Positional(spec, positional, 0, null), unit, kernel),
            "raid5" => RaidCodec.Raid5(Positional(spec, positional, 0, null), unit, kernel),
            "raid6" => RaidCodec.Raid6(Positional(spec, positional, 0, null), unit, kernel),
            _ => throw new FormatException($"'{spec}': unknown codec kind '{kind}'. Known kinds: {string.Join(", ", Kinds)}."),
        };
    }

    private static int Positional(string spec, List<int> values, int index, int? fallback)
    {
        string trimmed = spec.TrimStart();
        int expectedMax = trimmed.StartsWith("rs", StringComparison.OrdinalIgnoreCase) || trimmed.StartsWith("reed", StringComparison.OrdinalIgnoreCase) ? 2 : 1;
        if (values.Count > expectedMax)
            throw new FormatException($"'{spec}': expected at most {expectedMax} numeric parameter(s), got {values.Count}.");
        if (index < values.Count) return values[index];
        return fallback ?? throw new FormatException($"'{spec}': missing parameter {index + 1} (e.g. rs(10,4), raid5(4)).");
    }

    private static int ParseInt(string spec, string text) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value)
            ? value
            : throw new FormatException($"'{spec}': '{text}' is not an integer.");

    [GeneratedRegex(@"^(?<kind>[A-Za-z][A-Za-z0-9\-]*)\s*(\((?<args>[^)]*)\))?$")]
    private static partial Regex SpecPattern();
}
