using System.Globalization;

namespace Tiered.Cli.Replay;

/// <summary>Everything a replay is configured by (the <c>tiered replay</c> options).</summary>
internal sealed record ReplaySettings
{
    /// <summary>Simulated span of the trace (several hours, so that hourly availability means something).</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromHours(4);

    /// <summary>Simulated seconds per real second.</summary>
    public double Speed { get; init; } = 160;

    /// <summary>
    /// Distinct objects in the workload. Default 2,000 (half of <c>WorkloadOptions</c>' 4,000): with 1,000 chunks per node the
    /// backups and repairs a reclaim sets off fit the compressed clock at the default speed (see docs/replay.md).
    /// </summary>
    public int Objects { get; init; } = 2_000;

    /// <summary>Requests in the workload (default 50,000: 25 per object, as the registry statistics want).</summary>
    public int Requests { get; init; } = 50_000;

    /// <summary>Workload seed.</summary>
    public int Seed { get; init; } = 2017;

    /// <summary>
    /// Size scale of the workload (every object size is multiplied by it). Default 1/128: the default workload's 17.4 GiB
    /// footprint becomes 139 MiB (168 MiB of chunks with RS(10,2)), objects up to 2 MiB; the process stays well under 2 GiB.
    /// </summary>
    public double Scale { get; init; } = 1.0 / 128;

    /// <summary>Node functions in the pool.</summary>
    public int Nodes { get; init; } = 24;

    /// <summary>Memory of each function instance in MiB.</summary>
    public int MemoryMiB { get; init; } = 1536;

    /// <summary>The codec objects are stored with.</summary>
    public string Codec { get; init; } = "rs(10,2)";

    /// <summary>Injected faults.</summary>
    public FaultPlan Faults { get; init; } = FaultPlan.None;

    /// <summary>How the platform reclaims instances on its own (<see cref="Providers.Local.LocalReclaimModel"/>: aws, aws-june-2019, none or a spec).</summary>
    public string ReclaimModel { get; init; } = Providers.Local.LocalReclaimModel.Default.Name;

    /// <summary>Whether the proxy backs nodes up to a peer instance: on, off, or both (the same workload twice).</summary>
    public BackupMode Backup { get; init; } = BackupMode.Both;

    /// <summary>A chaos plan spec (Tiered.Chaos <c>ChaosPlan</c>) whose decorators wrap the replay's backend and nodes; <c>none</c> for none.</summary>
    public string Chaos { get; init; } = "none";

    /// <summary>Requests in flight at most (the replay falls behind its schedule beyond that).</summary>
    public int Concurrency { get; init; } = 32;

    /// <summary>The prices the run is also priced by (<c>--platforms</c>): names and their billing rules and prices.</summary>
    public IReadOnlyList<(string Name, Cost.FunctionPricing Pricing)> Platforms { get; init; } = PlatformCost.Resolve([], null);

    /// <summary>How often (simulated) the cost curve is sampled.</summary>
    public TimeSpan SampleInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>The runs the <see cref="Backup"/> setting asks for: with backup first, then without.</summary>
    public IReadOnlyList<bool> BackupRuns => Backup switch
    {
        BackupMode.On => [true],
        BackupMode.Off => [false],
        _ => [true, false],
    };

    /// <summary>Parses <c>--backup on|off|both</c>.</summary>
    public static BackupMode ParseBackup(string text) => text.Trim().ToLowerInvariant() switch
    {
        "on" or "true" or "yes" => BackupMode.On,
        "off" or "false" or "no" => BackupMode.Off,
        "both" => BackupMode.Both,
        _ => throw new FormatException($"--backup {text}: expected on, off or both."),
    };

    /// <summary>How <c>--backup</c> is written.</summary>
    public static string FormatBackup(BackupMode mode) => mode.ToString().ToLowerInvariant();

    /// <summary>Parses a scale written as <c>1/256</c>, <c>0.00390625</c> or <c>1</c>.</summary>
    public static double ParseScale(string text)
    {
        string s = text.Trim();
        int slash = s.IndexOf('/');
        double value;
        if (slash >= 0)
        {
            bool ok = double.TryParse(s[..slash], NumberStyles.Float, CultureInfo.InvariantCulture, out double n)
                      & double.TryParse(s[(slash + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out double d);
            value = ok && d != 0 ? n / d : double.NaN;
        }
        else if (!double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out value)) value = double.NaN;
        if (!double.IsFinite(value) || value <= 0 || value > 1)
            throw new FormatException($"--scale {text}: expected a size scale in (0, 1] such as 1/256 or 0.01.");
        return value;
    }

    /// <summary>The scale as a fraction when it is 1/n for a whole n, e.g. <c>1/256</c>.</summary>
    public static string FormatScale(double scale)
    {
        double inverse = 1 / scale;
        return Math.Abs(inverse - Math.Round(inverse)) < 1e-9 ? string.Create(CultureInfo.InvariantCulture, $"1/{Math.Round(inverse):0}") : scale.ToString("G6", CultureInfo.InvariantCulture);
    }

    /// <summary>Parses a duration such as <c>1h</c>, <c>30m</c>, <c>90s</c> or <c>01:00:00</c>.</summary>
    public static TimeSpan ParseDuration(string text)
    {
        string s = text.Trim().ToLowerInvariant();
        double factor = s.EndsWith('h') ? 3600 : s.EndsWith('m') ? 60 : s.EndsWith('s') ? 1 : 0;
        if (factor > 0 && double.TryParse(s[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out double n) && n > 0 && double.IsFinite(n))
            return TimeSpan.FromSeconds(n * factor);
        if (factor == 0 && TimeSpan.TryParse(s, CultureInfo.InvariantCulture, out var span) && span > TimeSpan.Zero) return span;
        throw new FormatException($"--duration {text}: expected a positive duration such as 1h, 30m, 90s or 01:00:00.");
    }

    /// <summary>Throws <see cref="FormatException"/> naming the first bad setting.</summary>
    public ReplaySettings Validate()
    {
        if (!double.IsFinite(Speed) || Speed <= 0) throw new FormatException($"--speed must be a positive number, not {Speed}.");
        if (Nodes < 1) throw new FormatException($"--nodes must be at least 1, not {Nodes}.");
        if (MemoryMiB < 128 || MemoryMiB > 10_240) throw new FormatException($"--memory-mib must be within Lambda's 128–10240 MiB, not {MemoryMiB}.");
        if (Concurrency < 1) throw new FormatException($"--concurrency must be at least 1, not {Concurrency}.");
        if (Duration <= TimeSpan.Zero) throw new FormatException($"--duration must be positive, not {Duration}.");
        if (!Providers.Local.LocalReclaimModel.TryParse(ReclaimModel, out _, out string? modelError))
            throw new FormatException($"--reclaim-model {ReclaimModel}: {modelError}");
        return this;
    }
}

/// <summary>The <c>--backup</c> setting.</summary>
internal enum BackupMode
{
    /// <summary>Backups every <see cref="Proxy.TierProxyOptions.BackupInterval"/> (the proxy's default, 5 minutes).</summary>
    On,
    /// <summary>No backups (<see cref="Timeout.InfiniteTimeSpan"/>).</summary>
    Off,
    /// <summary>The same seeded workload twice, with and without backups, reported side by side.</summary>
    Both,
}
