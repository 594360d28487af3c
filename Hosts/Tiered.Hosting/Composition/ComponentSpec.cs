using System.Text.RegularExpressions;

namespace Tiered.Hosting;

/// <summary>A component name with optional parameters, <c>kind(a,b,name=value)</c>, as in <c>rs(10,2)</c> or <c>vnodes(160)</c>.</summary>
internal sealed partial record ComponentSpec(string Kind, IReadOnlyList<string> Positional, IReadOnlyDictionary<string, string> Named)
{
    public static ComponentSpec Parse(string spec, string what)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(spec);
        var match = Pattern().Match(spec);
        if (!match.Success)
            throw new ArgumentException($"'{spec}' is not a {what} name; expected kind or kind(parameters), e.g. rs(10,2) or vnodes(160).", nameof(spec));
        var positional = new List<string>();
        var named = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (match.Groups["args"].Success)
        {
            foreach (string arg in match.Groups["args"].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                int eq = arg.IndexOf('=');
                if (eq < 0) positional.Add(arg);
                else named[arg[..eq].Trim()] = arg[(eq + 1)..].Trim();
            }
        }
        return new ComponentSpec(match.Groups["kind"].Value.ToLowerInvariant(), positional, named);
    }

    public int Int(int index, string spec) =>
        int.TryParse(Positional[index], System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out int value)
            ? value
            : throw new ArgumentException($"'{spec}': '{Positional[index]}' is not a whole number.", nameof(spec));

    public void AtMost(int count, string spec)
    {
        if (Positional.Count > count)
            throw new ArgumentException($"'{spec}': {Kind} takes at most {count} parameter(s), got {Positional.Count}.", nameof(spec));
    }

    [GeneratedRegex(@"^\s*(?<kind>[A-Za-z][A-Za-z0-9_.\-]*)\s*(\((?<args>[^()]*)\))?\s*$")]
    private static partial Regex Pattern();
}
