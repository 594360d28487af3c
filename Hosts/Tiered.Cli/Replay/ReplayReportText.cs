using System.Globalization;
using System.Text;
using Tiered.Cost;
using Tiered.Functions;

namespace Tiered.Cli.Replay;

/// <summary>The plain-text report of a replay (aligned columns, invariant culture).</summary>
internal static class ReplayReportText
{
    public static string Format(ReplayResult r)
    {
        var inv = CultureInfo.InvariantCulture;
        var s = r.Settings;
        var c = r.Counts;
        var text = new StringBuilder();
        void Line(string label, string value) => text.AppendLine(inv, $"  {label,-26}{value}");

        text.AppendLine("tiered replay");
        Line("workload", string.Create(inv, $"{r.Objects:N0} objects, {s.Requests:N0} requests over {Hours(s.Duration)}, seed {s.Seed}"));
        Line("size scale", string.Create(inv, $"{ReplaySettings.FormatScale(s.Scale)}: objects 1 B … {SizeClasses.Bytes(r.MaxObjectBytes)}, footprint {SizeClasses.Bytes(r.FootprintBytes)} ({SizeClasses.Bytes((long)(r.FootprintBytes / s.Scale))} unscaled)"));
        Line("tier", string.Create(inv, $"{s.Nodes} Local functions × {s.MemoryMiB} MiB, {s.Codec}, faults {r.Faults.Mode}"));
        Line("time", string.Create(inv, $"{Hours(r.Simulated)} simulated in {r.Real.TotalSeconds:0.0} s real ({s.Speed:0.##}× speed-up); schedule lag p99 {r.LagP99Ms:0} ms, max {r.LagMaxMs:0} ms"));
        text.AppendLine();

        text.AppendLine("Requests");
        Line("requests", c.Requests.ToString("N0", inv));
        Line("hit ratio", string.Create(inv, $"{c.HitRatio:P1} of {c.ColdFills + c.Gets:N0} accesses ({c.GetHitRatio:P2} of {c.Gets:N0} GETs)"));
        Line("misses: cold (first)", c.ColdFills.ToString("N0", inv));
        Line("misses: evicted", c.EvictedMisses.ToString("N0", inv));
        Line("misses: lost", string.Create(inv, $"{c.LostMisses:N0} ({c.ObjectsLost:N0} objects lost)"));
        Line("GET errors", c.GetErrors.ToString("N0", inv));
        Line("PUT errors", string.Create(inv, $"{c.PutErrors:N0} ({c.PutRetries:N0} attempts retried)"));
        Line("refills after a miss", c.Refills.ToString("N0", inv));
        Line("availability", string.Create(inv, $"{c.Availability:P3} ({c.ServedPresent:N0} of {c.ExpectedPresent:N0} GETs of objects that should be present)"));
        Line("wrong bytes", c.WrongBytes == 0 ? "0 (every GET verified byte for byte)" : string.Create(inv, $"{c.WrongBytes:N0}  <-- WRONG"));
        text.AppendLine();

        text.AppendLine("Latency (real ms, client side; PUT of every fill, GET of every hit)");
        text.AppendLine(inv, $"  {"size class",-22}{"stands for",-13}{"PUTs",8}{"p50",9}{"p99",9}{"GETs",9}{"p50",9}{"p99",9}");
        foreach (var l in r.Latency)
            text.AppendLine(inv, $"  {l.Name,-22}{l.Stands,-13}{l.Put.Count,8:N0}{Ms(l.Put.P50Ms),9}{Ms(l.Put.P99Ms),9}{l.Get.Count,9:N0}{Ms(l.Get.P50Ms),9}{Ms(l.Get.P99Ms),9}");
        text.AppendLine();

        var f = r.Faults;
        text.AppendLine("Faults and repair");
        if (s.Faults.Kind == FaultKind.ReclaimR)
            Line("reclaim-r", string.Create(inv, $"{f.Faults:N0} GETs preceded by reclaims, {f.InstancesReclaimed:N0} instances reclaimed (r = {ParityOf(s)}), {f.Blocked:N0} candidates spared, {f.ScrubReads:N0} scrub reads"));
        Line("instances reclaimed", string.Create(inv, $"{f.PlatformInjectedReclaims:N0} injected, {f.IdleReclaims:N0} idle, {f.TimeoutReclaims:N0} timed out; {f.InstanceChanges:N0} nodes came back on a new instance"));
        Line("throttled invocations", f.Throttled.ToString("N0", inv));
        Line("chunks lost / repaired", string.Create(inv, $"{f.ChunksLost:N0} / {f.Repairs:N0}"));
        text.AppendLine();

        AppendCost(text, r);
        text.AppendLine();
        text.Append(r.MeetsBar ? "Bar: met (100 % availability, no wrong bytes)." : "Bar: NOT met (availability below 100 % or wrong bytes).");
        text.AppendLine();
        return text.ToString();
    }

    private static void AppendCost(StringBuilder text, ReplayResult r)
    {
        var inv = CultureInfo.InvariantCulture;
        var cost = r.Cost;
        var scaled = cost.Scaled;
        var fp = scaled.Prices.Functions;
        var node = scaled.Prices.CacheNode;
        void Line(string label, string value) => text.AppendLine(inv, $"  {label,-26}{value}");

        text.AppendLine(inv, $"Cost (simulated {Hours(scaled.Elapsed)}; {fp.Provider} ${fp.PricePerGbSecond}/GB-s at 1 ms + ${fp.PricePerMillionInvocations}/M invocations; {node.NodeType} ${node.PricePerHour}/h)");
        text.AppendLine(inv, $"  {"invocations by kind",-26}{"count",10}{"billed s",14}{"GB-s",14}");
        foreach (InvocationKind kind in Enum.GetValues<InvocationKind>())
        {
            var u = scaled.Usage[kind];
            text.AppendLine(inv, $"  {"  " + Kind(kind),-26}{u.Invocations,10:N0}{u.BilledDuration.TotalSeconds,14:N1}{u.GbSeconds,14:N1}");
        }
        text.AppendLine(inv, $"  {"  total",-26}{scaled.Invocations,10:N0}{scaled.Usage.Total.BilledDuration.TotalSeconds,14:N1}{scaled.GbSeconds,14:N1}");
        Line("platform metering", string.Create(inv, $"{cost.PlatformInvocations:N0} invocations, {cost.PlatformGbSeconds:N1} GB-s ({cost.PlatformUsage.ColdStarts:N0} cold starts)"));
        text.AppendLine(inv, $"  {"",-26}{"Tiered $",14}{"$/hour",12}{"ElastiCache $/h",18}{"ratio",10}");
        Row(text, "this run (scaled)", scaled);
        Row(text, "unscaled (extrapolated)", cost.Unscaled);
        Line("peak footprint", string.Create(inv, $"{SizeClasses.Bytes(cost.PeakCachedBytes)} cached, {SizeClasses.Bytes(cost.PeakStoredBytes)} of chunks stored (scaled); {SizeClasses.Bytes(cost.Unscaled.CacheBytes)} unscaled → {cost.Unscaled.CacheNodes} × {node.NodeType}"));
        Line("extrapolation", string.Create(inv, $"GB-s and invocations × {cost.ExtrapolationFactor:0.###} = {cost.UnscaledNodes} nodes of {r.Settings.MemoryMiB} MiB to hold the unscaled chunks at 80 % fill ÷ {r.Settings.Nodes} nodes run"));
        Line("", "(billed memory scales linearly with the bytes held; per-node invocation pattern assumed unchanged)");
    }

    private static void Row(StringBuilder text, string label, CostReport report)
    {
        var inv = CultureInfo.InvariantCulture;
        string ratio = report.CostRatio is double x ? string.Create(inv, $"{x:N1}×") : "n/a";
        text.AppendLine(inv, $"  {label,-26}{report.TotalCost,14:N4}{report.CostPerHour,12:N4}{report.CacheNodeCostPerHour,18:N3}{ratio,10}");
    }

    private static string Kind(InvocationKind kind) => kind switch
    {
        InvocationKind.Serve => "serve",
        InvocationKind.WarmUp => "warm-up",
        InvocationKind.Backup => "backup",
        _ => kind.ToString().ToLowerInvariant(),
    };

    private static int ParityOf(ReplaySettings s) => Codecs.CodecFactory.Create(s.Codec).ParityShards;

    private static string Ms(double ms) => ms == 0 ? "-" : ms < 10 ? ms.ToString("0.00", CultureInfo.InvariantCulture) : ms.ToString("0.0", CultureInfo.InvariantCulture);

    /// <summary>A duration as <c>1 h 00 min</c>, <c>5 min 30 s</c> or <c>12.3 s</c>.</summary>
    public static string Hours(TimeSpan t) => t.TotalHours >= 1
        ? string.Create(CultureInfo.InvariantCulture, $"{(int)t.TotalHours} h {t.Minutes:00} min")
        : t.TotalMinutes >= 1 ? string.Create(CultureInfo.InvariantCulture, $"{(int)t.TotalMinutes} min {t.Seconds:00} s")
        : string.Create(CultureInfo.InvariantCulture, $"{t.TotalSeconds:0.0} s");
}
