using System.Globalization;

namespace Tiered.Providers.Local;

/// <summary>
/// A lifetime distribution of the reclaim model: a fixed duration, a uniform range, or never. Written <c>10m</c>,
/// <c>25m-60m</c> (or <c>25-60m</c>: a bare lower bound takes the upper bound's unit), <c>0-4h</c>, <c>none</c>;
/// units <c>ms</c>, <c>s</c>, <c>m</c>, <c>h</c>, <c>d</c>.
/// </summary>
/// <param name="Min">The shortest lifetime (<see cref="Timeout.InfiniteTimeSpan"/> for never).</param>
/// <param name="Max">The longest (equal to <paramref name="Min"/> for a fixed lifetime).</param>
public readonly record struct LocalLifetime(TimeSpan Min, TimeSpan Max)
{
    /// <summary>Never: the instance is not reclaimed for this reason.</summary>
    public static LocalLifetime Never { get; } = new(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);

    /// <summary>Always exactly <paramref name="lifetime"/>.</summary>
    public static LocalLifetime Fixed(TimeSpan lifetime) => new(lifetime, lifetime);

    /// <summary>Uniform on [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static LocalLifetime Uniform(TimeSpan min, TimeSpan max) => new(min, max);

    /// <summary>Whether this is <see cref="Never"/>.</summary>
    public bool IsNever => Min == Timeout.InfiniteTimeSpan;

    /// <summary>The mean lifetime (<see cref="Timeout.InfiniteTimeSpan"/> for never).</summary>
    public TimeSpan Mean => IsNever ? Timeout.InfiniteTimeSpan : Min + (Max - Min) / 2;

    /// <summary>Draws one lifetime.</summary>
    public TimeSpan Sample(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (IsNever) return Timeout.InfiniteTimeSpan;
        if (Max <= Min) return Min;
        return Min + TimeSpan.FromTicks((long)(random.NextDouble() * (Max - Min).Ticks));
    }

    /// <summary>The spec form: <c>none</c>, <c>10m</c>, <c>0-4h</c>.</summary>
    public override string ToString() => IsNever ? "none" : Min == Max ? Format(Min) : $"{Format(Min)}-{Format(Max)}";

    /// <summary>Parses the spec form; false (with a plain message) when it is not one.</summary>
    public static bool TryParse(string text, out LocalLifetime lifetime, out string? error)
    {
        lifetime = Never;
        error = null;
        string s = (text ?? "").Trim().ToLowerInvariant();
        if (s is "none" or "never" or "infinite") return true;
        int dash = s.IndexOf('-', 1);
        if (dash < 0)
        {
            if (TryDuration(s, null, out var fixedLifetime)) { lifetime = Fixed(fixedLifetime); return true; }
            error = $"'{text}' is not a lifetime: expected none, a duration such as 10m, or a range such as 25m-60m or 0-4h.";
            return false;
        }
        string high = s[(dash + 1)..], low = s[..dash];
        if (!TryDuration(high, null, out var max) || !TryDuration(low, UnitOf(high), out var min))
        {
            error = $"'{text}' is not a lifetime range: expected two durations such as 25m-60m or 0-4h.";
            return false;
        }
        if (max < min)
        {
            error = $"'{text}' is not a lifetime range: its lower bound exceeds its upper bound.";
            return false;
        }
        lifetime = Uniform(min, max);
        return true;
    }

    private static string? UnitOf(string duration)
    {
        int i = duration.Length;
        while (i > 0 && char.IsLetter(duration[i - 1])) i--;
        return i < duration.Length ? duration[i..] : null;
    }

    private static bool TryDuration(string s, string? defaultUnit, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (s == "0") return true;
        string unit = UnitOf(s) ?? defaultUnit ?? "";
        string number = UnitOf(s) is { } u ? s[..^u.Length] : s;
        double factor = unit switch { "ms" => 0.001, "s" => 1, "m" or "min" => 60, "h" => 3600, "d" => 86400, _ => double.NaN };
        if (double.IsNaN(factor) || !double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out double value)) return false;
        double seconds = value * factor;
        if (!double.IsFinite(seconds) || seconds < 0 || seconds > TimeSpan.MaxValue.TotalSeconds / 4) return false;
        duration = TimeSpan.FromSeconds(seconds);
        return true;
    }

    private static string Format(TimeSpan t)
    {
        if (t == TimeSpan.Zero) return "0";
        if (t.Ticks % TimeSpan.TicksPerDay == 0) return string.Create(CultureInfo.InvariantCulture, $"{t.Ticks / TimeSpan.TicksPerDay}d");
        if (t.Ticks % TimeSpan.TicksPerHour == 0) return string.Create(CultureInfo.InvariantCulture, $"{t.Ticks / TimeSpan.TicksPerHour}h");
        if (t.Ticks % TimeSpan.TicksPerMinute == 0) return string.Create(CultureInfo.InvariantCulture, $"{t.Ticks / TimeSpan.TicksPerMinute}m");
        if (t.Ticks % TimeSpan.TicksPerSecond == 0) return string.Create(CultureInfo.InvariantCulture, $"{t.Ticks / TimeSpan.TicksPerSecond}s");
        return string.Create(CultureInfo.InvariantCulture, $"{t.TotalMilliseconds:0.###}ms");
    }
}

/// <summary>
/// How the platform takes instances away on its own, as a real FaaS platform does: an idle lifetime (an instance idle
/// this long after its last invocation is reclaimed; every invocation restarts the clock) and an instance lifetime
/// (counted from its creation whatever it does — it is recycled then, at once when idle, else when its invocation ends).
/// Named models: <see cref="Aws"/> (the default model, <see cref="Default"/>), <see cref="AwsJune2019"/> and
/// <see cref="None"/>; any other as a spec <c>idle:&lt;lifetime&gt;,lifetime:&lt;lifetime&gt;</c> (see
/// <see cref="LocalLifetime"/>). Select one with <see cref="LocalFunctionOptions.ReclaimModel"/>. Every draw uses the
/// platform's seeded random source and every timer its <see cref="TimeProvider"/>.
/// </summary>
/// <param name="Name">The model's name (its spec when it has no name).</param>
/// <param name="IdleLifetime">Idle time after the last invocation before the instance is reclaimed.</param>
/// <param name="InstanceLifetime">Time from creation after which the instance is recycled, whatever it does.</param>
/// <param name="Source">Where the figures come from.</param>
public sealed record LocalReclaimModel(string Name, LocalLifetime IdleLifetime, LocalLifetime InstanceLifetime, string Source)
{
    /// <summary>
    /// AWS Lambda as measured since July 2019: an idle execution environment is recycled exactly 10 minutes after its last
    /// invocation (Mikhail Shilkov, "AWS Lambda Cold Starts After 10 Minutes", mikhail.io, August 2019), and environments
    /// are recycled regardless of activity about 4 hours after their host started (Yan Cui, "Finding coldstarts: how long
    /// does AWS Lambda keep your idle functions around?", theburningmonk.com, June 2017) — an instance lands on a host of
    /// random age, so its remaining life is uniform on [0, 4 h].
    /// </summary>
    public static LocalReclaimModel Aws { get; } = new("aws",
        LocalLifetime.Fixed(TimeSpan.FromMinutes(10)),
        LocalLifetime.Uniform(TimeSpan.Zero, TimeSpan.FromHours(4)),
        "idle 10 min: M. Shilkov, \"AWS Lambda Cold Starts After 10 Minutes\", mikhail.io, Aug 2019; recycled ~4 h after the host started (uniform remaining life): Y. Cui, \"Finding coldstarts: how long does AWS Lambda keep your idle functions around?\", theburningmonk.com, 2017");

    /// <summary>
    /// AWS Lambda as measured before July 2019: idle instances survived between 25 and 60 minutes (Shilkov, ibid.), taken
    /// as uniform on [25 min, 60 min]; the same 4-hour host recycling as <see cref="Aws"/>.
    /// </summary>
    public static LocalReclaimModel AwsJune2019 { get; } = new("aws-june-2019",
        LocalLifetime.Uniform(TimeSpan.FromMinutes(25), TimeSpan.FromMinutes(60)),
        LocalLifetime.Uniform(TimeSpan.Zero, TimeSpan.FromHours(4)),
        "idle 25-60 min before July 2019: M. Shilkov, mikhail.io, Aug 2019; host recycling as in aws");

    /// <summary>Nothing is reclaimed by the platform on its own (fault injection still is).</summary>
    public static LocalReclaimModel None { get; } = new("none", LocalLifetime.Never, LocalLifetime.Never, "no platform reclaims");

    /// <summary>The default model: <see cref="Aws"/>.</summary>
    public static LocalReclaimModel Default => Aws;

    /// <summary>The named models.</summary>
    public static IReadOnlyList<LocalReclaimModel> Named { get; } = [Aws, AwsJune2019, None];

    /// <summary>The model as a spec: <c>idle:10m,lifetime:0-4h</c>.</summary>
    public string Spec => $"idle:{IdleLifetime},lifetime:{InstanceLifetime}";

    /// <summary>A sampler of <see cref="IdleLifetime"/> for <see cref="LocalFunctionOptions.IdleLifetimeSampler"/>.</summary>
    public IdleLifetimeSampler IdleLifetimeSampler
    {
        get
        {
            var lifetime = IdleLifetime;
            return (_, random) => lifetime.Sample(random);
        }
    }

    /// <summary>A sampler of <see cref="InstanceLifetime"/> for <see cref="LocalFunctionOptions.InstanceLifetimeSampler"/>.</summary>
    public InstanceLifetimeSampler InstanceLifetimeSampler
    {
        get
        {
            var lifetime = InstanceLifetime;
            return (_, random) => lifetime.Sample(random);
        }
    }

    /// <summary>A one-line description: name, both lifetimes.</summary>
    public string Describe() => $"{Name}: idle lifetime {Words(IdleLifetime, "after the last invocation")}; instance lifetime {Words(InstanceLifetime, "after creation")}";

    private static string Words(LocalLifetime l, string after) => l.IsNever ? "none" : l.Min == l.Max ? $"{l} {after}" : $"uniform {l} {after}";

    /// <summary>A named model or a spec <c>idle:&lt;lifetime&gt;,lifetime:&lt;lifetime&gt;</c> (either item may be left out: none).</summary>
    /// <exception cref="FormatException">It is neither; the message says what is expected.</exception>
    public static LocalReclaimModel Parse(string spec) =>
        TryParse(spec, out var model, out string? error) ? model : throw new FormatException(error);

    /// <summary>Like <see cref="Parse"/>, without throwing.</summary>
    public static bool TryParse(string spec, out LocalReclaimModel model, out string? error)
    {
        model = None;
        error = null;
        string s = (spec ?? "").Trim();
        foreach (var named in Named)
            if (string.Equals(named.Name, s, StringComparison.OrdinalIgnoreCase)) { model = named; return true; }
        string expected = $"expected {string.Join(", ", Named.Select(m => m.Name))}, or idle:<lifetime>,lifetime:<lifetime> with lifetimes such as none, 10m, 25m-60m, 0-4h";
        if (!s.Contains(':'))
        {
            error = $"'{spec}' is not a reclaim model: {expected}.";
            return false;
        }
        var idle = LocalLifetime.Never;
        var life = LocalLifetime.Never;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (string item in s.Split(',', StringSplitOptions.TrimEntries))
        {
            int colon = item.IndexOf(':');
            string name = colon < 0 ? item.ToLowerInvariant() : item[..colon].Trim().ToLowerInvariant();
            if (colon < 0 || name is not ("idle" or "lifetime"))
            {
                error = $"'{item}' in reclaim model '{spec}' is not an item: {expected}.";
                return false;
            }
            if (!seen.Add(name))
            {
                error = $"'{name}' is given twice in reclaim model '{spec}'.";
                return false;
            }
            if (!LocalLifetime.TryParse(item[(colon + 1)..], out var lifetime, out string? why))
            {
                error = $"{name} in reclaim model '{spec}': {why}";
                return false;
            }
            if (name == "idle" && !lifetime.IsNever && lifetime.Min <= TimeSpan.Zero)
            {
                error = $"idle in reclaim model '{spec}': an idle lifetime must be positive.";
                return false;
            }
            if (name == "idle") idle = lifetime; else life = lifetime;
        }
        var candidate = new LocalReclaimModel("", idle, life, "custom");
        model = Named.FirstOrDefault(m => m.IdleLifetime == idle && m.InstanceLifetime == life) ?? candidate with { Name = candidate.Spec };
        return true;
    }

    /// <inheritdoc />
    public override string ToString() => Name;
}
