using System.Globalization;
using System.Text;
using Tiered.Cost;
using Tiered.Functions;

namespace Tiered.Cli.Replay;

/// <summary>The plain-text report of a replay (aligned columns, invariant culture): one column per run, side by side.</summary>
internal static class ReplayReportText
{
    private const int LabelWidth = 28, ColumnWidth = 32;
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string Format(ReplayReport report)
    {
        var s = report.Settings;
        var runs = report.Runs;
        var first = runs[0];
        var text = new StringBuilder();
        void Line(string label, string value) => text.AppendLine(Inv, $"  {label,-LabelWidth}{value}");
        void Row(string label, Func<ReplayResult, string> value)
        {
            text.Append(Inv, $"  {label,-LabelWidth}");
            for (int i = 0; i < runs.Count; i++)
            {
                string cell = value(runs[i]);
                text.Append(i == runs.Count - 1 ? cell : cell.Length >= ColumnWidth - 1 ? cell + "  " : cell.PadRight(ColumnWidth));
            }
            text.AppendLine();
        }

        text.AppendLine("tiered replay");
        Line("workload", string.Create(Inv, $"{first.Objects:N0} objects, {s.Requests:N0} requests over {Hours(s.Duration)}, seed {s.Seed}"));
        Line("size scale", string.Create(Inv, $"{ReplaySettings.FormatScale(s.Scale)}: objects 1 B … {SizeClasses.Bytes(first.MaxObjectBytes)}, footprint {SizeClasses.Bytes(first.FootprintBytes)} ({SizeClasses.Bytes((long)(first.FootprintBytes / s.Scale))} unscaled)"));
        Line("tier", string.Create(Inv, $"{s.Nodes} Local functions × {s.MemoryMiB} MiB (reserved concurrency {ReplayTier.ReservedConcurrency}), {s.Codec}, faults {first.Faults.Mode}, chaos {s.Chaos}"));
        Line("reclaim model", report.ReclaimModel.Describe());
        Line("backups", string.Join("; ", runs.Select(r => r.BackupEnabled ? "every 5 min to a peer instance (with backup)" : "off (without backup)")));
        Line("total time", string.Create(Inv, $"{report.Real.TotalSeconds:0.0} s real for {runs.Count} run{(runs.Count == 1 ? "" : "s")}"));
        text.AppendLine();

        Row("", r => r.Mode);
        Row("time", r => string.Create(Inv, $"{Hours(r.Simulated)} in {r.Real.TotalSeconds:0.0} s ({s.Speed:0.##}×)"));
        Row("schedule lag p99 / max", r => string.Create(Inv, $"{r.LagP99Ms:N0} / {r.LagMaxMs:N0} ms ({Hours(TimeSpan.FromMilliseconds(r.LagP99Ms * s.Speed))} sim.)"));
        foreach (var r in runs.Where(r => r.LagP99Ms * s.Speed > TimeSpan.FromMinutes(2).TotalMilliseconds))
            text.AppendLine(Inv, $"  WARNING: {r.Mode}: the tier fell behind its schedule by {Hours(TimeSpan.FromMilliseconds(r.LagP99Ms * s.Speed))} of simulated time (p99); real work (repairs, backups) then takes too long on the simulated clock and the figures are distorted. Lower --speed.");
        text.AppendLine();

        text.AppendLine("Availability: GETs served ÷ GETs of objects that should be present, by simulated hour of the trace");
        int hours = runs.Max(r => r.Hours.Count);
        for (int h = 0; h < hours; h++)
        {
            var span = first.Hours.Count > h ? first.Hours[h] : null;
            string label = span is null ? $"hour {h + 1}" : string.Create(Inv, $"hour {h + 1} ({Clock(span.From)}–{Clock(span.To)})");
            Row(label, r => r.Hours.Count > h ? HourCell(r.Hours[h]) : "-");
        }
        Row("min / mean hourly", r => string.Create(Inv, $"{Percent(r.MinHourlyAvailability)} / {Percent(r.MeanHourlyAvailability)}"));
        Row("whole run", r => string.Create(Inv, $"{Percent(r.Counts.Availability)} ({r.Counts.ServedPresent:N0} of {r.Counts.ExpectedPresent:N0})"));
        Row("misses: lost", r => string.Create(Inv, $"{r.Counts.LostMisses:N0} ({r.Counts.ObjectsLost:N0} objects lost)"));
        Row("unavailable GETs", r => r.Counts.UnavailableGets.ToString("N0", Inv));
        Row("misses: no removal seen", r => r.Counts.UnexplainedMisses.ToString("N0", Inv));
        Row("misses: evicted (policy)", r => r.Counts.EvictedMisses.ToString("N0", Inv));
        Row("wrong bytes", r => r.Counts.WrongBytes == 0 ? "0 (every GET verified)" : string.Create(Inv, $"{r.Counts.WrongBytes:N0}  <-- WRONG"));
        text.AppendLine();

        text.AppendLine("Requests");
        Row("requests", r => r.Counts.Requests.ToString("N0", Inv));
        Row("hit ratio", r => string.Create(Inv, $"{r.Counts.HitRatio:P1} ({r.Counts.GetHitRatio:P2} of GETs)"));
        Row("GETs", r => r.Counts.Gets.ToString("N0", Inv));
        Row("misses: cold (first)", r => r.Counts.ColdFills.ToString("N0", Inv));
        Row("GET errors", r => r.Counts.GetErrors.ToString("N0", Inv));
        Row("PUT errors (retried)", r => string.Create(Inv, $"{r.Counts.PutErrors:N0} ({r.Counts.PutRetries:N0})"));
        Row("refills after a miss", r => r.Counts.Refills.ToString("N0", Inv));
        text.AppendLine();

        text.AppendLine("Faults, failover and repair");
        if (s.Faults.Kind == FaultKind.ReclaimR)
            Row("reclaim-r", r => string.Create(Inv, $"{r.Faults.Faults:N0} GETs, {r.Faults.InstancesReclaimed:N0} functions"));
        Row("reclaimed: idle / recycled", r => string.Create(Inv, $"{r.Faults.IdleReclaims:N0} / {r.Faults.RecycledReclaims:N0}"));
        Row("reclaimed: injected / t-out", r => string.Create(Inv, $"{r.Faults.PlatformInjectedReclaims:N0} / {r.Faults.TimeoutReclaims:N0}"));
        Row("node on another instance", r => string.Create(Inv, $"{r.Proxy.Reconciliations:N0} ({r.Proxy.Failovers:N0} failovers to a peer)"));
        Row("backups (failed)", r => string.Create(Inv, $"{r.Proxy.Backups:N0} ({r.Proxy.BackupFailures:N0})"));
        Row("backup bytes (chunks)", r => string.Create(Inv, $"{SizeClasses.Bytes(r.Proxy.BackupBytes)} ({r.Proxy.BackupChunks:N0})"));
        Row("backup chunks deleted", r => r.Proxy.BackupDeletes.ToString("N0", Inv));
        Row("chunks lost / repaired", r => string.Create(Inv, $"{r.Proxy.ChunksLost:N0} / {r.Proxy.Repairs:N0}"));
        Row("repair bytes", r => SizeClasses.Bytes(r.Proxy.RepairBytes));
        Row("unavailable (proxy)", r => r.Proxy.Unavailable.ToString("N0", Inv));
        Row("throttled invocations", r => r.Faults.Throttled.ToString("N0", Inv));
        text.AppendLine();

        foreach (var r in runs)
        {
            text.AppendLine(Inv, $"Events by simulated hour of the tier's clock ({r.Mode})");
            text.AppendLine(Inv, $"  {"hour",-6}{"idle",7}{"recycled",10}{"other",7}{"failover",10}{"new inst",10}{"backups",9}{"chunks lost",13}{"repaired",10}{"unavail",9}");
            foreach (var e in r.HourEvents)
                text.AppendLine(Inv, $"  {e.Index + 1,-6}{e.IdleReclaims,7:N0}{e.Recycled,10:N0}{e.OtherReclaims,7:N0}{e.Failovers,10:N0}{e.Reconciliations,10:N0}{e.Backups,9:N0}{e.ChunksLost,13:N0}{e.Repairs,10:N0}{e.Unavailable,9:N0}");
            text.AppendLine();
        }

        foreach (var r in runs)
        {
            text.AppendLine(Inv, $"Latency, {r.Mode} (real ms, client side; PUT of every fill, GET of every hit)");
            text.AppendLine(Inv, $"  {"size class",-22}{"stands for",-13}{"PUTs",8}{"p50",9}{"p99",9}{"GETs",9}{"p50",9}{"p99",9}");
            foreach (var l in r.Latency)
                text.AppendLine(Inv, $"  {l.Name,-22}{l.Stands,-13}{l.Put.Count,8:N0}{Ms(l.Put.P50Ms),9}{Ms(l.Put.P99Ms),9}{l.Get.Count,9:N0}{Ms(l.Get.P50Ms),9}{Ms(l.Get.P99Ms),9}");
            text.AppendLine();
        }

        AppendCost(text, report, Row);
        text.AppendLine();
        foreach (var run in report.Runs.Where(r => r.Cost.Platforms.Count > 0))
        {
            text.Append(PlatformCost.Format($"The same run priced for each platform ({run.Mode}, scaled; serving / warm-up / backup $ apart)", run.Cost.Platforms));
            text.AppendLine();
        }
        text.AppendLine(Bar(report));
        return text.ToString();
    }

    private static void AppendCost(StringBuilder text, ReplayReport report, Action<string, Func<ReplayResult, string>> row)
    {
        var first = report.Runs[0];
        var fp = first.Cost.Scaled.Prices.Functions;
        var node = first.Cost.Scaled.Prices.CacheNode;
        text.AppendLine(Inv, $"Cost (simulated {Hours(first.Cost.Scaled.Elapsed)}; {fp.Provider} ${fp.PricePerGbSecond}/GB-s at 1 ms + ${fp.PricePerMillionInvocations}/M invocations; {node.NodeType} ${node.PricePerHour}/h)");
        text.AppendLine("  invocations, billed GB-s and $ of each kind (this run, scaled)");
        foreach (InvocationKind kind in Enum.GetValues<InvocationKind>())
            row("  " + Kind(kind), r => KindCell(r.Cost.Scaled.CostOf(kind)));
        row("  total", r => string.Create(Inv, $"{r.Cost.Scaled.Invocations:N0} · {r.Cost.Scaled.GbSeconds:N0} GB-s · ${r.Cost.Scaled.TotalCost:N4}"));
        row("platform metering", r => string.Create(Inv, $"{r.Cost.PlatformInvocations:N0} · {r.Cost.PlatformGbSeconds:N0} GB-s · {r.Cost.PlatformUsage.ColdStarts:N0} cold"));
        row("Tiered $/hour (scaled)", r => string.Create(Inv, $"${r.Cost.Scaled.CostPerHour:N4} vs ${r.Cost.Scaled.CacheNodeCostPerHour:N3} → {Ratio(r.Cost.Scaled)}"));
        row("unscaled (extrapolated) $/h", r => string.Create(Inv, $"${r.Cost.Unscaled.CostPerHour:N4} vs ${r.Cost.Unscaled.CacheNodeCostPerHour:N3} → {Ratio(r.Cost.Unscaled)}"));
        row("  of which warm-up / backup", r => string.Create(Inv, $"${r.Cost.Unscaled.CostOf(InvocationKind.WarmUp).TotalCost / Hours(r.Cost.Unscaled):N4} / ${r.Cost.Unscaled.CostOf(InvocationKind.Backup).TotalCost / Hours(r.Cost.Unscaled):N4} per hour"));
        row("peak footprint", r => string.Create(Inv, $"{SizeClasses.Bytes(r.Cost.PeakCachedBytes)} cached, {SizeClasses.Bytes(r.Cost.PeakStoredBytes)} chunks"));
        text.AppendLine(Inv, $"  {"extrapolation",-LabelWidth}GB-s and invocations × (nodes of {report.Settings.MemoryMiB} MiB to hold the unscaled chunks at 80 % fill ÷ {report.Settings.Nodes} nodes run):");
        text.AppendLine(Inv, $"  {"",-LabelWidth}{string.Join("; ", report.Runs.Select(r => string.Create(Inv, $"{r.Mode} × {r.Cost.ExtrapolationFactor:0.###} = {r.Cost.UnscaledNodes} nodes")))}");
        text.AppendLine(Inv, $"  {"",-LabelWidth}(billed memory scales linearly with the bytes held; per-node invocation pattern assumed unchanged); ElastiCache for {SizeClasses.Bytes(first.Cost.Unscaled.CacheBytes)} → {first.Cost.Unscaled.CacheNodes} × {node.NodeType}");
    }

    /// <summary>The bar line.</summary>
    public static string Bar(ReplayReport report)
    {
        bool wrong = report.Runs.Any(r => r.Counts.WrongBytes > 0);
        string bytes = wrong ? "WRONG BYTES returned" : "no wrong bytes";
        if (!report.AvailabilityBarApplies)
        {
            string why = report.WithBackup is null ? "no run with backup" : "instances reclaimed at random by --faults rate or --chaos";
            return $"Bar: {(report.MeetsBar ? "met" : "NOT met")} ({bytes}; availability bar not applied: {why}).";
        }
        var withBackup = report.WithBackup!;
        string availability = string.Create(Inv, $"hourly availability with backup min {Percent(withBackup.MinHourlyAvailability)} {(withBackup.MinHourlyAvailability >= ReplayResult.HourlyBar ? "≥" : "<")} 99.9 %");
        string beside = report.WithoutBackup is { } off ? string.Create(Inv, $"; without backup min {Percent(off.MinHourlyAvailability)}") : "";
        return $"Bar: {(report.MeetsBar ? "met" : "NOT met")} ({availability}{beside}; {bytes}).";
    }

    private static string HourCell(HourFigures h)
    {
        if (h.Availability is not double a) return string.Create(Inv, $"- ({h.Gets:N0} GETs)");
        long failed = h.Expected - h.Served;
        return failed == 0
            ? string.Create(Inv, $"{Percent(a)} of {h.Expected:N0}")
            : string.Create(Inv, $"{Percent(a)} of {h.Expected:N0} (-{failed:N0})");
    }

    private static string KindCell(KindCost k) =>
        string.Create(Inv, $"{k.Usage.Invocations:N0} · {k.Usage.GbSeconds:N0} GB-s · ${k.TotalCost:N4}");

    private static string Ratio(CostReport report) => report.CostRatio is double x ? string.Create(Inv, $"{x:N1}×") : "n/a";

    private static decimal Hours(CostReport report) => (decimal)report.Elapsed.TotalHours;

    public static string Percent(double ratio) => string.Create(Inv, $"{ratio * 100:0.000} %");

    private static string Clock(TimeSpan t) => string.Create(Inv, $"{(int)t.TotalHours}:{t.Minutes:00}");

    private static string Kind(InvocationKind kind) => kind switch
    {
        InvocationKind.Serve => "serve",
        InvocationKind.WarmUp => "warm-up",
        InvocationKind.Backup => "backup",
        _ => kind.ToString().ToLowerInvariant(),
    };

    private static string Ms(double ms) => ms == 0 ? "-" : ms < 10 ? ms.ToString("0.00", Inv) : ms.ToString("0.0", Inv);

    /// <summary>A duration as <c>1 h 00 min</c>, <c>5 min 30 s</c> or <c>12.3 s</c>.</summary>
    public static string Hours(TimeSpan t) => t.TotalHours >= 1
        ? string.Create(Inv, $"{(int)t.TotalHours} h {t.Minutes:00} min")
        : t.TotalMinutes >= 1 ? string.Create(Inv, $"{(int)t.TotalMinutes} min {t.Seconds:00} s")
        : string.Create(Inv, $"{t.TotalSeconds:0.0} s");
}
