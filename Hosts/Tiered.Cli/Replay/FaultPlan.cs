using System.Globalization;

namespace Tiered.Cli.Replay;

/// <summary>What kind of instance loss a replay injects.</summary>
internal enum FaultKind
{
    /// <summary>No injected faults (instances still go away if they idle past their lifetime).</summary>
    None,
    /// <summary>Before a GET, reclaim up to r of that object's instances — never more than r of any object's chunks between its accesses.</summary>
    ReclaimR,
    /// <summary>The platform reclaims random instances at a rate (a Poisson process), regardless of what they hold.</summary>
    Rate,
}

/// <summary>The <c>--faults</c> setting: <c>none</c>, <c>reclaim-r</c> (optionally <c>reclaim-r:P</c>) or <c>rate:N/h</c>.</summary>
/// <param name="Kind">The kind of fault.</param>
/// <param name="Probability">For <see cref="FaultKind.ReclaimR"/>: the chance that a GET is preceded by reclaims.</param>
/// <param name="PerHour">For <see cref="FaultKind.Rate"/>: instances reclaimed per simulated hour.</param>
internal sealed record FaultPlan(FaultKind Kind, double Probability = 0, double PerHour = 0)
{
    /// <summary>The chance per GET of a reclaim-r fault when none is given.</summary>
    public const double DefaultProbability = 0.01;

    public static FaultPlan None { get; } = new(FaultKind.None);

    /// <summary>Parses the option's text; throws <see cref="FormatException"/> with a plain message.</summary>
    public static FaultPlan Parse(string text)
    {
        string s = text.Trim().ToLowerInvariant();
        if (s is "none" or "") return None;
        if (s == "reclaim-r") return new FaultPlan(FaultKind.ReclaimR, DefaultProbability);
        if (s.StartsWith("reclaim-r:", StringComparison.Ordinal))
        {
            if (double.TryParse(s["reclaim-r:".Length..], NumberStyles.Float, CultureInfo.InvariantCulture, out double p) && p > 0 && p <= 1)
                return new FaultPlan(FaultKind.ReclaimR, p);
            throw new FormatException($"--faults {text}: the probability after 'reclaim-r:' must be in (0, 1], e.g. reclaim-r:0.1.");
        }
        if (s.StartsWith("rate:", StringComparison.Ordinal))
        {
            string rate = s["rate:".Length..];
            if (rate.EndsWith("/h", StringComparison.Ordinal)) rate = rate[..^2];
            if (double.TryParse(rate, NumberStyles.Float, CultureInfo.InvariantCulture, out double n) && double.IsFinite(n) && n > 0)
                return new FaultPlan(FaultKind.Rate, PerHour: n);
            throw new FormatException($"--faults {text}: expected rate:N/h with N a positive number of reclaims per simulated hour, e.g. rate:30/h.");
        }
        throw new FormatException($"--faults {text}: expected none, reclaim-r, reclaim-r:P or rate:N/h.");
    }

    /// <summary>How the setting is written on the command line.</summary>
    public override string ToString() => Kind switch
    {
        FaultKind.ReclaimR => Probability == DefaultProbability ? "reclaim-r" : string.Create(CultureInfo.InvariantCulture, $"reclaim-r:{Probability}"),
        FaultKind.Rate => string.Create(CultureInfo.InvariantCulture, $"rate:{PerHour}/h"),
        _ => "none",
    };
}
