using System.Text.Json;
using Tiered.Cost;
using Tiered.Functions;

namespace Tiered.Cli.Replay;

/// <summary>Writes a replay's results as JSON (numbers in invariant form; money as numbers of dollars).</summary>
internal static class ReplayJson
{
    public static void Write(ReplayResult r, Stream stream)
    {
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        var s = r.Settings;
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
        json.WriteString("codec", s.Codec);
        json.WriteString("faults", s.Faults.ToString());
        json.WriteNumber("concurrency", s.Concurrency);
        json.WriteEndObject();

        json.WriteStartObject("workload");
        json.WriteNumber("objects", r.Objects);
        json.WriteNumber("footprintBytes", r.FootprintBytes);
        json.WriteNumber("unscaledFootprintBytes", (long)(r.FootprintBytes / s.Scale));
        json.WriteNumber("maxObjectBytes", r.MaxObjectBytes);
        json.WriteEndObject();

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
        json.WriteNumber("servedGets", c.ServedPresent);
        json.WriteNumber("expectedPresentGets", c.ExpectedPresent);
        json.WriteNumber("objectsLost", c.ObjectsLost);
        json.WriteBoolean("meetsBar", r.MeetsBar);
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
        json.WriteNumber("timeoutReclaims", f.TimeoutReclaims);
        json.WriteNumber("throttledInvocations", f.Throttled);
        json.WriteNumber("nodesOnNewInstance", f.InstanceChanges);
        json.WriteNumber("chunksLost", f.ChunksLost);
        json.WriteNumber("chunksRepaired", f.Repairs);
        json.WriteEndObject();

        var cost = r.Cost;
        json.WriteStartObject("cost");
        Report(json, "scaled", cost.Scaled);
        Report(json, "unscaled", cost.Unscaled);
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
        foreach (var p in r.CostCurve)
        {
            json.WriteStartObject();
            json.WriteNumber("simulatedSeconds", Math.Round(p.Simulated.TotalSeconds, 3));
            json.WriteNumber("tieredDollars", p.TieredDollars);
            json.WriteNumber("elastiCacheDollars", p.CacheDollars);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();

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
            var u = report.Usage[kind];
            json.WriteStartObject(kind.ToString().ToLowerInvariant());
            json.WriteNumber("invocations", u.Invocations);
            json.WriteNumber("billedSeconds", u.BilledDuration.TotalSeconds);
            json.WriteNumber("gbSeconds", u.GbSeconds);
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
