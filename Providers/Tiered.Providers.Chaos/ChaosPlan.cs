using System.Globalization;
using Microsoft.Extensions.Logging;
using System.Diagnostics.Metrics;

namespace Tiered.Chaos;

/// <summary>
/// A whole chaos setup in one compact text spec, for command lines (<c>tiered replay --chaos &lt;spec&gt;</c>) and
/// configuration, e.g. <c>reclaim:30/h,straggler:1x10,drop-dialback:0.02,stall-dialback:0.01@5s,fail-invocation:0.01,latency:20ms,corrupt:5/h</c>.
/// <see cref="Parse"/> reads a spec (errors name the bad item and list the valid ones); <see cref="ToString"/> writes the
/// canonical spec back (plans compare equal when their canonical specs do); <see cref="CreateSession"/> builds the
/// decorators. The items are listed in <see cref="ValidItems"/> and in docs/chaos.md.
/// </summary>
public sealed record ChaosPlan
{
    /// <summary>No chaos (the spec <c>none</c>, or an empty one).</summary>
    public static ChaosPlan None { get; } = new();

    /// <summary>The syntax of every item, in canonical order.</summary>
    public static IReadOnlyList<string> ValidItems { get; } =
    [
        "seed:<int>",
        "reclaim:<n>/h",
        "reclaim-every:<duration>",
        "reclaim-at:<duration>+<duration>…",
        "reclaim-idle",
        "straggler:<count>x<slowdown> | straggler:<count>@<bandwidth>",
        "reference-bandwidth:<bandwidth>",
        "drop-dialback:<p>",
        "stall-dialback:<p>[@<duration>]",
        "fail-invocation:<p>",
        "latency:<duration>[@<p>]",
        "write-latency:<duration>",
        "corrupt:<n>/h",
        "slow-start:<p>@<duration>",
    ];

    private const string Units = "durations like 500us, 20ms, 1.5s, 10m, 1h, 1d; rates per /s, /m, /h or /d; bandwidths like 800B/s, 500KB/s, 10MB/s, 2MiB/s, 1GiB/s; p a probability from 0 to 1 or a percentage like 2%";

    /// <summary><c>seed:&lt;int&gt;</c> — seeds every random choice (stragglers, picks, draws); none = a different run every time.</summary>
    public int? Seed { get; init; }

    /// <summary><c>reclaim:&lt;n&gt;/h</c> — instances reclaimed per hour, as a Poisson process.</summary>
    public double ReclaimRatePerHour { get; init; }

    /// <summary><c>reclaim-every:&lt;duration&gt;</c> — reclaim one instance every this long.</summary>
    public TimeSpan? ReclaimEvery { get; init; }

    /// <summary><c>reclaim-at:&lt;d&gt;+&lt;d&gt;…</c> — reclaim one instance at each of these offsets from the start.</summary>
    public IReadOnlyList<TimeSpan> ReclaimAt { get; init; } = [];

    /// <summary><c>reclaim-idle</c> — reclaim only idle instances.</summary>
    public bool ReclaimIdleOnly { get; init; }

    /// <summary><c>straggler:&lt;count&gt;x…</c> or <c>straggler:&lt;count&gt;@…</c> — how many functions (picked with the seed) are stragglers.</summary>
    public int StragglerCount { get; init; }

    /// <summary><c>straggler:&lt;count&gt;x&lt;slowdown&gt;</c> — a straggler is this many times slower than the reference bandwidth (0 when a bandwidth is given instead).</summary>
    public double StragglerSlowdown { get; init; }

    /// <summary><c>straggler:&lt;count&gt;@&lt;bandwidth&gt;</c> — a straggler's bandwidth each way (0 when a slowdown is given instead).</summary>
    public long StragglerBytesPerSecond { get; init; }

    /// <summary><c>reference-bandwidth:&lt;bandwidth&gt;</c> — a healthy instance's throughput (null = <see cref="ChaosBackendOptions.ReferenceBytesPerSecond"/>).</summary>
    public long? ReferenceBytesPerSecond { get; init; }

    /// <summary><c>drop-dialback:&lt;p&gt;</c> — chance that a dial-back is closed before it reaches the proxy.</summary>
    public double DropDialBackProbability { get; init; }

    /// <summary><c>stall-dialback:&lt;p&gt;@&lt;duration&gt;</c> — chance that a dial-back is held before anything is forwarded.</summary>
    public double StallDialBackProbability { get; init; }

    /// <summary>How long a stalled dial-back is held (the duration of <c>stall-dialback</c>).</summary>
    public TimeSpan StallDuration { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary><c>fail-invocation:&lt;p&gt;</c> — chance that an invocation fails as a platform error.</summary>
    public double FailInvocationProbability { get; init; }

    /// <summary><c>latency:&lt;duration&gt;[@&lt;p&gt;]</c> — latency added before invocations reach the platform.</summary>
    public TimeSpan InvocationLatency { get; init; }

    /// <summary>Chance that an invocation gets <see cref="InvocationLatency"/> (the <c>@p</c> of <c>latency</c>; 1 = every one).</summary>
    public double InvocationLatencyProbability { get; init; } = 1;

    /// <summary><c>write-latency:&lt;duration&gt;</c> — latency added to every write on every node connection.</summary>
    public TimeSpan WriteLatency { get; init; }

    /// <summary><c>corrupt:&lt;n&gt;/h</c> — stored chunks silently corrupted per hour, as a Poisson process.</summary>
    public double CorruptRatePerHour { get; init; }

    /// <summary><c>slow-start:&lt;p&gt;@&lt;duration&gt;</c> — chance that an instance's first invocation starts this late.</summary>
    public double SlowStartProbability { get; init; }

    /// <summary>How late a slow instance starts (the duration of <c>slow-start</c>).</summary>
    public TimeSpan SlowStartDelay { get; init; }

    /// <summary>Whether the plan injects nothing.</summary>
    public bool IsEmpty => ToString() == "none";

    /// <summary>Whether the plan reclaims instances (it then needs an <see cref="Tiered.Functions.IFunctionInstanceControl"/>).</summary>
    public bool HasReclaims => ReclaimRatePerHour > 0 || ReclaimEvery is not null || ReclaimAt.Count > 0;

    /// <summary>Whether the plan corrupts chunks (it then needs the nodes wrapped by the session's registry).</summary>
    public bool HasCorruption => CorruptRatePerHour > 0;

    /// <summary>Whether the plan makes instances slow to start (it then needs the nodes wrapped by the session's registry).</summary>
    public bool HasSlowStarts => SlowStartProbability > 0 && SlowStartDelay > TimeSpan.Zero;

    /// <summary>Parses a spec: comma-separated items <c>name:value</c> (<see cref="ValidItems"/>); empty or <c>none</c> is <see cref="None"/>.</summary>
    /// <exception cref="ChaosPlanException">An item is unknown, malformed, out of range, or given twice; the message names it and lists the valid items.</exception>
    public static ChaosPlan Parse(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        string trimmed = spec.Trim();
        if (trimmed.Length == 0 || trimmed.Equals("none", StringComparison.OrdinalIgnoreCase)) return None;
        var plan = None;
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        string[] items = trimmed.Split(',');
        for (int i = 0; i < items.Length; i++)
        {
            string item = items[i].Trim();
            if (item.Length == 0) throw new ChaosPlanException($"Chaos spec '{spec}' has an empty item (number {i + 1}). {ValidList()}", item);
            int colon = item.IndexOf(':', StringComparison.Ordinal);
            string name = (colon < 0 ? item : item[..colon]).Trim().ToLowerInvariant();
            string? value = colon < 0 ? null : item[(colon + 1)..].Trim();
            if (!Syntaxes.TryGetValue(name, out string? syntax))
                throw new ChaosPlanException($"Unknown chaos item '{item}': '{name}' is not a fault. {ValidList()}", item);
            if (seen.TryGetValue(name, out string? earlier))
                throw new ChaosPlanException($"Chaos item '{item}' repeats '{name}' (already given as '{earlier}'). {ValidList()}", item);
            seen[name] = item;
            if (name == "reclaim-idle")
            {
                if (value is not null) throw Bad(item, "it takes no value", syntax);
            }
            else if (string.IsNullOrEmpty(value))
            {
                throw Bad(item, "it needs a value", syntax);
            }
            plan = Apply(plan, name, value, item, syntax);
        }
        return plan;
    }

    /// <summary>Parses a spec without throwing.</summary>
    /// <returns>False, with the message that <see cref="Parse"/> would have thrown, when the spec is invalid.</returns>
    public static bool TryParse(string spec, out ChaosPlan plan, out string? error)
    {
        try
        {
            plan = Parse(spec);
            error = null;
            return true;
        }
        catch (ChaosPlanException e)
        {
            plan = None;
            error = e.Message;
            return false;
        }
    }

    private static readonly Dictionary<string, string> Syntaxes = ValidItems
        .SelectMany(s => s.Split(" | "))
        .GroupBy(s => s.Split(':')[0])
        .ToDictionary(g => g.Key, g => string.Join(" or ", g), StringComparer.Ordinal);

    private static string ValidList() => $"Valid items: {string.Join(", ", ValidItems)} ({Units}).";

    private static ChaosPlanException Bad(string item, string reason, string syntax) =>
        new($"Chaos item '{item}' is invalid: {reason}. Expected {syntax}. {ValidList()}", item);

    private static ChaosPlan Apply(ChaosPlan plan, string name, string? value, string item, string syntax)
    {
        switch (name)
        {
            case "seed":
                if (!int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int seed)) throw Bad(item, $"'{value}' is not a whole number", syntax);
                return plan with { Seed = seed };
            case "reclaim":
                return plan with { ReclaimRatePerHour = Rate(value!, item, syntax) };
            case "reclaim-every":
            {
                var every = Duration(value!, item, syntax);
                if (every <= TimeSpan.Zero) throw Bad(item, "the period must be positive", syntax);
                return plan with { ReclaimEvery = every };
            }
            case "reclaim-at":
                return plan with { ReclaimAt = [.. value!.Split('+').Select(v => Duration(v.Trim(), item, syntax)).Order()] };
            case "reclaim-idle":
                return plan with { ReclaimIdleOnly = true };
            case "straggler":
            {
                int x = value!.IndexOfAny(['x', 'X', '@']);
                if (x <= 0 || !int.TryParse(value[..x], NumberStyles.None, CultureInfo.InvariantCulture, out int count) || count < 1)
                    throw Bad(item, "it needs a count of at least 1, then x and a slowdown or @ and a bandwidth", syntax);
                string rest = value[(x + 1)..];
                if (value[x] == '@')
                {
                    long bandwidth = Bandwidth(rest, item, syntax);
                    return plan with { StragglerCount = count, StragglerBytesPerSecond = bandwidth, StragglerSlowdown = 0 };
                }
                if (!ChaosUnits.TryParseNumber(rest, out double slowdown) || slowdown < 1)
                    throw Bad(item, $"the slowdown '{rest}' must be a number ≥ 1 (10 = ten times slower)", syntax);
                return plan with { StragglerCount = count, StragglerSlowdown = slowdown, StragglerBytesPerSecond = 0 };
            }
            case "reference-bandwidth":
                return plan with { ReferenceBytesPerSecond = Bandwidth(value!, item, syntax) };
            case "drop-dialback":
                return plan with { DropDialBackProbability = Probability(value!, item, syntax) };
            case "stall-dialback":
            {
                var (p, d) = Split(value!);
                var duration = d is null ? TimeSpan.FromSeconds(5) : Duration(d, item, syntax);
                if (duration <= TimeSpan.Zero) throw Bad(item, "the stall must last a positive time", syntax);
                return plan with { StallDialBackProbability = Probability(p, item, syntax), StallDuration = duration };
            }
            case "fail-invocation":
                return plan with { FailInvocationProbability = Probability(value!, item, syntax) };
            case "latency":
            {
                var (d, p) = Split(value!);
                return plan with { InvocationLatency = Duration(d, item, syntax), InvocationLatencyProbability = p is null ? 1 : Probability(p, item, syntax) };
            }
            case "write-latency":
                return plan with { WriteLatency = Duration(value!, item, syntax) };
            case "corrupt":
                return plan with { CorruptRatePerHour = Rate(value!, item, syntax) };
            case "slow-start":
            {
                var (p, d) = Split(value!);
                if (d is null) throw Bad(item, "it needs @ and how long the start takes", syntax);
                return plan with { SlowStartProbability = Probability(p, item, syntax), SlowStartDelay = Duration(d, item, syntax) };
            }
            default:
                throw new ChaosPlanException($"Unknown chaos item '{item}'. {ValidList()}", item);
        }
    }

    private static (string Left, string? Right) Split(string value)
    {
        int at = value.IndexOf('@', StringComparison.Ordinal);
        return at < 0 ? (value, null) : (value[..at].Trim(), value[(at + 1)..].Trim());
    }

    private static TimeSpan Duration(string value, string item, string syntax) =>
        ChaosUnits.TryParseDuration(value, out var d) ? d : throw Bad(item, $"'{value}' is not a duration (like 20ms, 5s, 10m, 1h)", syntax);

    private static double Rate(string value, string item, string syntax) =>
        ChaosUnits.TryParseRate(value, out var r) ? r : throw Bad(item, $"'{value}' is not a rate (like 30/h, 0.5/m, 2/s)", syntax);

    private static double Probability(string value, string item, string syntax) =>
        ChaosUnits.TryParseProbability(value, out var p) ? p : throw Bad(item, $"'{value}' is not a probability between 0 and 1 (like 0.02 or 2%)", syntax);

    private static long Bandwidth(string value, string item, string syntax) =>
        ChaosUnits.TryParseBandwidth(value, out var b) && b > 0 ? b : throw Bad(item, $"'{value}' is not a positive bandwidth (like 10MB/s, 2MiB/s, 500KB/s)", syntax);

    /// <summary>The canonical spec (items in <see cref="ValidItems"/> order, canonical units), or <c>none</c>; <see cref="Parse"/> reads it back to an equal plan.</summary>
    public override string ToString()
    {
        var items = new List<string>();
        var inv = CultureInfo.InvariantCulture;
        if (Seed is { } seed) items.Add(string.Create(inv, $"seed:{seed}"));
        if (ReclaimRatePerHour > 0) items.Add("reclaim:" + ChaosUnits.FormatRate(ReclaimRatePerHour));
        if (ReclaimEvery is { } every) items.Add("reclaim-every:" + ChaosUnits.FormatDuration(every));
        if (ReclaimAt.Count > 0) items.Add("reclaim-at:" + string.Join("+", ReclaimAt.Order().Select(ChaosUnits.FormatDuration)));
        if (ReclaimIdleOnly) items.Add("reclaim-idle");
        if (StragglerCount > 0)
            items.Add(StragglerBytesPerSecond > 0
                ? string.Create(inv, $"straggler:{StragglerCount}@{ChaosUnits.FormatBandwidth(StragglerBytesPerSecond)}")
                : string.Create(inv, $"straggler:{StragglerCount}x{StragglerSlowdown.ToString("R", inv)}"));
        if (ReferenceBytesPerSecond is { } reference) items.Add("reference-bandwidth:" + ChaosUnits.FormatBandwidth(reference));
        if (DropDialBackProbability > 0) items.Add("drop-dialback:" + ChaosUnits.FormatProbability(DropDialBackProbability));
        if (StallDialBackProbability > 0) items.Add($"stall-dialback:{ChaosUnits.FormatProbability(StallDialBackProbability)}@{ChaosUnits.FormatDuration(StallDuration)}");
        if (FailInvocationProbability > 0) items.Add("fail-invocation:" + ChaosUnits.FormatProbability(FailInvocationProbability));
        if (InvocationLatency > TimeSpan.Zero && InvocationLatencyProbability > 0)
            items.Add("latency:" + ChaosUnits.FormatDuration(InvocationLatency) + (InvocationLatencyProbability < 1 ? "@" + ChaosUnits.FormatProbability(InvocationLatencyProbability) : ""));
        if (WriteLatency > TimeSpan.Zero) items.Add("write-latency:" + ChaosUnits.FormatDuration(WriteLatency));
        if (CorruptRatePerHour > 0) items.Add("corrupt:" + ChaosUnits.FormatRate(CorruptRatePerHour));
        if (HasSlowStarts) items.Add($"slow-start:{ChaosUnits.FormatProbability(SlowStartProbability)}@{ChaosUnits.FormatDuration(SlowStartDelay)}");
        return items.Count == 0 ? "none" : string.Join(",", items);
    }

    /// <summary>Plans are equal when their canonical specs are.</summary>
    public bool Equals(ChaosPlan? other) => other is not null && string.Equals(ToString(), other.ToString(), StringComparison.Ordinal);

    /// <inheritdoc />
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(ToString());

    /// <summary>The random faults of the plan, for a <see cref="ChaosFunctionBackend"/>.</summary>
    public ChaosFaultRates ToFaultRates() => new()
    {
        FailInvocationProbability = FailInvocationProbability,
        InvocationLatency = InvocationLatency,
        InvocationLatencyProbability = InvocationLatencyProbability,
        DropDialBackProbability = DropDialBackProbability,
        StallDialBackProbability = StallDialBackProbability,
        StallDuration = StallDuration,
        WriteLatency = WriteLatency,
    };

    /// <summary>Options of a <see cref="ChaosFunctionBackend"/> with the plan's random faults, seed and reference bandwidth (the rest from <paramref name="baseOptions"/>).</summary>
    public ChaosBackendOptions ToBackendOptions(ChaosBackendOptions? baseOptions = null)
    {
        var options = baseOptions ?? new ChaosBackendOptions();
        return options with
        {
            Rates = ToFaultRates(),
            Seed = Seed ?? options.Seed,
            ReferenceBytesPerSecond = ReferenceBytesPerSecond ?? options.ReferenceBytesPerSecond,
        };
    }

    /// <summary>Options of a <see cref="ChaosReclaimer"/>, or null when the plan reclaims nothing.</summary>
    public ChaosReclaimerOptions? ToReclaimerOptions() => HasReclaims
        ? new ChaosReclaimerOptions { RatePerHour = ReclaimRatePerHour, Every = ReclaimEvery, At = ReclaimAt, IdleOnly = ReclaimIdleOnly, Seed = Seed }
        : null;

    /// <summary>Options of a <see cref="ChunkCorrupter"/>, or null when the plan corrupts nothing.</summary>
    public ChunkCorrupterOptions? ToCorrupterOptions() => HasCorruption
        ? new ChunkCorrupterOptions { RatePerHour = CorruptRatePerHour, Seed = Seed }
        : null;

    /// <summary>Options of the handlers a <see cref="ChaosNodeRegistry"/> wraps (slow starts hit an instance's first invocation).</summary>
    public ChaosHandlerOptions ToHandlerOptions() => HasSlowStarts
        ? new ChaosHandlerOptions { StartDelay = SlowStartDelay, StartDelayProbability = SlowStartProbability, ColdStartOnly = true }
        : ChaosHandlerOptions.None;

    /// <summary>Starts building the plan's decorators (see <see cref="ChaosSession"/>).</summary>
    /// <param name="timeProvider">The clock of the rates and schedules (reclaims, corruption) and of slow starts; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="loggerFactory">Creates the decorators' loggers; nothing is logged when null.</param>
    /// <param name="meterFactory">Creates the <c>Tiered.Chaos</c> meters; when null each decorator owns a plain one.</param>
    /// <param name="networkTimeProvider">
    /// The clock of the backend's delays (invocation latency, and the relays' stalls, write latency and bandwidth caps);
    /// <paramref name="timeProvider"/> when null. A run on a sped-up simulated clock passes <see cref="TimeProvider.System"/>
    /// here, as the proxy keeps network timeouts on the system clock: the network does not speed up with the simulation.
    /// </param>
    public ChaosSession CreateSession(TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null, IMeterFactory? meterFactory = null, TimeProvider? networkTimeProvider = null) =>
        new(this, timeProvider, loggerFactory, meterFactory, networkTimeProvider);
}
