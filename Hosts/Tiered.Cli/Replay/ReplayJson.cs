using System.Text.Json;
using Tiered.Cost;
using Tiered.Functions;

namespace Tiered.Cli.Replay;

/// <summary>Writes a replay's results as JSON (numbers in invariant form; money as numbers of dollars): settings, the reclaim model, the bar, and one object per run.</summary>
internal static class ReplayJson
{
    public static void Write(ReplayReport report, Stream stream)
    {
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        var s = report.Settings;
        var first = report.Runs[0];
        json.WriteStartObject();

        json.WriteStartObject("settings");
        json.WriteNumber("durationSeconds", s.Duration.TotalSeconds);
        json.WriteNumber("speed", s.Speed);
        json.WriteNumber("objects", s.Objects);
        json.WriteNumber("requests", s.Requests);
        json.WriteNumber("seed", s.Seed);
        json.WriteNumber("scale", s.Scale);
        json.WriteString("scaleText", ReplaySettings.FormatScale(s.Scale));
        json.WriteNumber("nodes", s.Nodes);
        json.WriteNumber("memoryMiB", s.MemoryMiB);
        json.WriteNumber("reservedConcurrency", ReplayTier.ReservedConcurrency);
        json.WriteString("codec", s.Codec);
        json.WriteString("faults", s.Faults.ToString());
        json.WriteString("reclaimModel", s.ReclaimModel);
        json.WriteString("backup", ReplaySettings.FormatBackup(s.Backup));
        json.WriteString("chaos", s.Chaos);
        json.WriteNumber("concurrency", s.Concurrency);
        json.WriteEndObject();

        var model = report.ReclaimModel;
        json.WriteStartObject("reclaimModel");
        json.WriteString("name", model.Name);
        json.WriteString("spec", model.Spec);
        json.WriteString("description", model.Describe());
        Lifetime(json, "idleLifetime", model.IdleLifetime);
        Lifetime(json, "instanceLifetime", model.InstanceLifetime);
        json.WriteString("source", model.Source);
        json.WriteEndObject();

        json.WriteStartObject("workload");
        json.WriteNumber("objects", first.Objects);
        json.WriteNumber("footprintBytes", first.FootprintBytes);
        json.WriteNumber("unscaledFootprintBytes", (long)(first.FootprintBytes / s.Scale));
        json.WriteNumber("maxObjectBytes", first.MaxObjectBytes);
        json.WriteEndObject();

        json.WriteStartObject("bar");
        json.WriteNumber("hourlyAvailability", ReplayResult.HourlyBar);
        json.WriteBoolean("availabilityApplies", report.AvailabilityBarApplies);
        json.WriteBoolean("met", report.MeetsBar);
        json.WriteString("text", ReplayReportText.Bar(report));
        json.WriteEndObject();
        json.WriteNumber("realSeconds", report.Real.TotalSeconds);

        json.WriteStartArray("runs");
        foreach (var r in report.Runs) Run(json, r);
        json.WriteEndArray();

        json.WriteEndObject();
    }

    private static void Lifetime(Utf8JsonWriter json, string name, Providers.Local.LocalLifetime lifetime)
    {
        json.WriteStartObject(name);
        json.WriteString("spec", lifetime.ToString());
        if (lifetime.IsNever)
        {
            json.WriteNull("minSeconds");
            json.WriteNull("maxSeconds");
        }
        else
        {
            json.WriteNumber("minSeconds", lifetime.Min.TotalSeconds);
            json.WriteNumber("maxSeconds", lifetime.Max.TotalSeconds);
        }
        json.WriteEndObject();
    }

    private static void Run(Utf8JsonWriter json, ReplayResult r)
    {
        json.WriteStartObject();
        json.WriteBoolean("backup", r.BackupEnabled);
        json.WriteString("mode", r.Mode);

        json.WriteStartObject("time");
        json.WriteNumber("simulatedSeconds", r.Simulated.TotalSeconds);
        json.WriteNumber("realSeconds", r.Real.TotalSeconds);
        json.WriteNumber("scheduleLagP99Ms", r.LagP99Ms);
        json.WriteNumber("scheduleLagMaxMs", r.LagMaxMs);
        json.WriteEndObject();

        var c = r.Counts;
        json.WriteStartObject("requests");
        json.WriteNumber("total", c.Requests);
        json.WriteNumber("gets", c.Gets);
        json.WriteNumber("hits", c.Hits);
        json.WriteNumber("hitRatio", c.HitRatio);
        json.WriteNumber("getHitRatio", c.GetHitRatio);
        json.WriteStartObject("misses");
        json.WriteNumber("coldFirstAccess", c.ColdFills);
        json.WriteNumber("evicted", c.EvictedMisses);
        json.WriteNumber("lost", c.LostMisses);
        json.WriteNumber("unexplained", c.UnexplainedMisses);
        json.WriteNumber("afterFailedPut", c.MissesAfterFailedPut);
        json.WriteEndObject();
        json.WriteNumber("getErrors", c.GetErrors);
        json.WriteNumber("putErrors", c.PutErrors);
        json.WriteNumber("putRetries", c.PutRetries);
        json.WriteNumber("refills", c.Refills);
        json.WriteNumber("updates", c.Updates);
        json.WriteNumber("deletes", c.Deletes);
        json.WriteNumber("wrongBytes", c.WrongBytes);
        json.WriteEndObject();

        json.WriteStartObject("availability");
        json.WriteNumber("ratio", c.Availability);
        json.WriteNumber("minHourly", r.MinHourlyAvailability);
        json.WriteNumber("meanHourly", r.MeanHourlyAvailability);
        json.WriteNumber("servedGets", c.ServedPresent);
        json.WriteNumber("expectedPresentGets", c.ExpectedPresent);
        json.WriteNumber("lostMisses", c.LostMisses);
        json.WriteNumber("objectsLost", c.ObjectsLost);
        json.WriteNumber("unavailableGets", c.UnavailableGets);
        json.WriteNumber("unexplainedMisses", c.UnexplainedMisses);
        json.WriteNumber("wrongBytes", c.WrongBytes);
        json.WriteBoolean("meetsBar", r.MeetsBar);
        json.WriteStartArray("hourly");
        foreach (var h in r.Hours)
        {
            json.WriteStartObject();
            json.WriteNumber("hour", h.Index + 1);
            json.WriteNumber("fromSeconds", h.From.TotalSeconds);
            json.WriteNumber("toSeconds", h.To.TotalSeconds);
            json.WriteNumber("gets", h.Gets);
            json.WriteNumber("expectedPresentGets", h.Expected);
            json.WriteNumber("servedGets", h.Served);
            if (h.Availability is double a) json.WriteNumber("availability", a); else json.WriteNull("availability");
            json.WriteNumber("lostMisses", h.LostMisses);
            json.WriteNumber("unavailableGets", h.Unavailable);
            json.WriteNumber("unexplainedMisses", h.Unexplained);
            json.WriteNumber("evictedMisses", h.EvictedMisses);
            json.WriteNumber("wrongBytes", h.WrongBytes);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();

        json.WriteStartArray("latency");
        foreach (var l in r.Latency)
        {
            json.WriteStartObject();
            json.WriteString("sizeClass", l.Name);
            json.WriteString("standsFor", l.Stands);
            json.WriteNumber("lowBytes", l.LowBytes);
            if (l.HighBytes is long high) json.WriteNumber("highBytes", high); else json.WriteNull("highBytes");
            Latency(json, "put", l.Put);
            Latency(json, "get", l.Get);
            json.WriteEndObject();
        }
        json.WriteEndArray();

        var f = r.Faults;
        json.WriteStartObject("faults");
        json.WriteString("mode", f.Mode);
        json.WriteNumber("faultedGets", f.Faults);
        json.WriteNumber("instancesReclaimedByReplay", f.InstancesReclaimed);
        json.WriteNumber("candidatesSpared", f.Blocked);
        json.WriteNumber("scrubReads", f.ScrubReads);
        json.WriteNumber("platformInjectedReclaims", f.PlatformInjectedReclaims);
        json.WriteNumber("idleReclaims", f.IdleReclaims);
        json.WriteNumber("recycledReclaims", f.RecycledReclaims);
        json.WriteNumber("timeoutReclaims", f.TimeoutReclaims);
        json.WriteNumber("throttledInvocations", f.Throttled);
        json.WriteNumber("nodesOnNewInstance", f.InstanceChanges);
        json.WriteNumber("chunksLost", f.ChunksLost);
        json.WriteNumber("chunksRepaired", f.Repairs);
        json.WriteEndObject();

        var p = r.Proxy;
        json.WriteStartObject("proxy");
        json.WriteNumber("failovers", p.Failovers);
        json.WriteNumber("reconciliations", p.Reconciliations);
        json.WriteNumber("backups", p.Backups);
        json.WriteNumber("backupChunks", p.BackupChunks);
        json.WriteNumber("backupBytes", p.BackupBytes);
        json.WriteNumber("backupFailures", p.BackupFailures);
        json.WriteNumber("backupDeletes", p.BackupDeletes);
        json.WriteNumber("chunksLost", p.ChunksLost);
        json.WriteNumber("repairsQueued", p.RepairsQueued);
        json.WriteNumber("repairs", p.Repairs);
        json.WriteNumber("repairBytes", p.RepairBytes);
        json.WriteNumber("unavailable", p.Unavailable);
        json.WriteNumber("evictions", p.Evictions);
        json.WriteNumber("objectsRemovedLost", p.ObjectsRemovedLost);
        json.WriteEndObject();

        json.WriteStartArray("hourlyEvents");
        foreach (var e in r.HourEvents)
        {
            json.WriteStartObject();
            json.WriteNumber("hour", e.Index + 1);
            json.WriteNumber("idleReclaims", e.IdleReclaims);
            json.WriteNumber("recycled", e.Recycled);
            json.WriteNumber("otherReclaims", e.OtherReclaims);
            json.WriteNumber("failovers", e.Failovers);
            json.WriteNumber("reconciliations", e.Reconciliations);
            json.WriteNumber("backups", e.Backups);
            json.WriteNumber("chunksLost", e.ChunksLost);
            json.WriteNumber("repairs", e.Repairs);
            json.WriteNumber("unavailable", e.Unavailable);
            json.WriteEndObject();
        }
        json.WriteEndArray();

        var cost = r.Cost;
        json.WriteStartObject("cost");
        Report(json, "scaled", cost.Scaled);
        Report(json, "unscaled", cost.Unscaled);
        json.WriteStartArray("platforms");
        foreach (var platform in cost.Platforms)
        {
            json.WriteStartObject();
            json.WriteString("name", platform.Name);
            Report(json, "report", platform.Report);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteNumber("platformGbSeconds", cost.PlatformGbSeconds);
        json.WriteNumber("platformInvocations", cost.PlatformInvocations);
        json.WriteNumber("peakCachedBytes", cost.PeakCachedBytes);
        json.WriteNumber("peakStoredBytes", cost.PeakStoredBytes);
        json.WriteStartObject("extrapolation");
        json.WriteString("method", "GB-s and invocations multiplied by the nodes (of the configured memory) needed to hold the unscaled peak of stored chunks at the proxy's 80 % fill, over the nodes run (at least 1): billed memory scales linearly with the bytes held; the per-node invocation pattern is assumed unchanged. ElastiCache is sized for the unscaled peak of cached bytes.");
        json.WriteNumber("unscaledNodes", cost.UnscaledNodes);
        json.WriteNumber("factor", cost.ExtrapolationFactor);
        json.WriteEndObject();
        json.WriteStartArray("curve");
        foreach (var point in r.CostCurve)
        {
            json.WriteStartObject();
            json.WriteNumber("simulatedSeconds", Math.Round(point.Simulated.TotalSeconds, 3));
            json.WriteNumber("tieredDollars", point.TieredDollars);
            json.WriteNumber("elastiCacheDollars", point.CacheDollars);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();

        json.WriteStartArray("reclaims");
        foreach (var reclaim in r.Reclaims)
        {
            json.WriteStartObject();
            json.WriteNumber("simulatedSeconds", Math.Round(reclaim.At.TotalSeconds, 3));
            json.WriteString("function", reclaim.FunctionName);
            json.WriteString("instance", reclaim.InstanceId);
            json.WriteString("reason", reclaim.Reason.ToString().ToLowerInvariant());
            json.WriteString("state", reclaim.State.ToString().ToLowerInvariant());
            json.WriteEndObject();
        }
        json.WriteEndArray();

        json.WriteStartArray("journal");
        foreach (var entry in r.Journal)
        {
            json.WriteStartObject();
            json.WriteNumber("simulatedSeconds", Math.Round(entry.At.TotalSeconds, 3));
            json.WriteString("event", entry.Event);
            json.WriteString("message", entry.Message);
            json.WriteEndObject();
        }
        json.WriteEndArray();

        json.WriteEndObject();
    }

    private static void Latency(Utf8JsonWriter json, string name, LatencySummary l)
    {
        json.WriteStartObject(name);
        json.WriteNumber("count", l.Count);
        json.WriteNumber("p50Ms", Math.Round(l.P50Ms, 3));
        json.WriteNumber("p99Ms", Math.Round(l.P99Ms, 3));
        json.WriteEndObject();
    }

    private static void Report(Utf8JsonWriter json, string name, CostReport report)
    {
        json.WriteStartObject(name);
        json.WriteNumber("elapsedSeconds", report.Elapsed.TotalSeconds);
        json.WriteNumber("gbSeconds", report.GbSeconds);
        json.WriteNumber("invocations", report.Invocations);
        json.WriteStartObject("byKind");
        foreach (InvocationKind kind in Enum.GetValues<InvocationKind>())
        {
            var k = report.CostOf(kind);
            json.WriteStartObject(kind.ToString().ToLowerInvariant());
            json.WriteNumber("invocations", k.Usage.Invocations);
            json.WriteNumber("billedSeconds", k.Usage.BilledDuration.TotalSeconds);
            json.WriteNumber("gbSeconds", k.Usage.GbSeconds);
            json.WriteNumber("computeDollars", k.ComputeCost);
            json.WriteNumber("invocationDollars", k.InvocationCost);
            json.WriteNumber("totalDollars", k.TotalCost);
            json.WriteEndObject();
        }
        json.WriteEndObject();
        json.WriteNumber("pricePerGbSecond", report.Prices.Functions.PricePerGbSecond);
        json.WriteNumber("pricePerMillionInvocations", report.Prices.Functions.PricePerMillionInvocations);
        json.WriteNumber("computeDollars", report.ComputeCost);
        json.WriteNumber("invocationDollars", report.InvocationCost);
        json.WriteNumber("totalDollars", report.TotalCost);
        json.WriteNumber("dollarsPerHour", report.CostPerHour);
        json.WriteNumber("cacheBytes", report.CacheBytes);
        json.WriteString("cacheNodeType", report.Prices.CacheNode.NodeType);
        json.WriteNumber("cacheNodes", report.CacheNodes);
        json.WriteNumber("cacheDollars", report.CacheNodeCost);
        json.WriteNumber("cacheDollarsPerHour", report.CacheNodeCostPerHour);
        if (report.CostRatio is double ratio) json.WriteNumber("ratio", ratio); else json.WriteNull("ratio");
        json.WriteEndObject();
    }
}
