using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Tiered.Cli.Benchmarks.E2e;

/// <summary>Everything one <c>tiered bench e2e</c> run measured, with the table, summary and JSON renderings.</summary>
internal sealed record E2eReport(
    DateTimeOffset Date,
    E2eSettings Settings,
    string TierLocation,
    string? RedisVersion,
    IReadOnlyList<E2eRow> Rows,
    E2eAllocation? WholeProcessAllocation,
    E2eAllocation? ClientAllocation,
    long VerifiedGets,
    IReadOnlyList<string> Problems,
    IReadOnlyList<string> Notes,
    TimeSpan Elapsed)
{
    private static readonly CultureInfo s_invariant = CultureInfo.InvariantCulture;

    public string Header()
    {
        var text = new StringBuilder();
        text.AppendLine($"tiered bench e2e — {Date:yyyy-MM-dd HH:mm zzz}{(Settings.Quick ? " (--quick)" : "")}");
        text.AppendLine($"CPU: {MachineInfo.CpuModel} ({Environment.ProcessorCount} logical CPUs); {MachineInfo.Runtime}; GC: {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")}");
        text.AppendLine($"Tier: client -> proxy -> {Settings.Shape.Nodes} Local function nodes over loopback TCP, {Settings.Shape.Codec}, rendezvous placement, {Settings.Shape.MemoryMiB} MiB per node; proxy and platform {TierLocation}.");
        text.AppendLine($"Redis: {(RedisVersion is null ? Settings.VsRedis ? "not measured (redis-server not installed)" : "not measured (no --vs-redis)" : $"{RedisVersion}, child process on 127.0.0.1, persistence off; StackExchange.Redis, one multiplexer")}.");
        text.AppendLine("Method: all nodes warm (the cold first PUT is its own row); one client, sequential; Tiered and Redis alternate operation by operation;");
        text.AppendLine("p50/p99 = nearest rank; MB/s = 10^6 bytes/s and ops/s over the summed latencies (wall clock for GET xN: N tasks sharing one client);");
        text.AppendLine("alloc/op = GC.GetTotalAllocatedBytes(precise) around each Tiered operation, " + (Settings.TierInChildProcess ? "client process only" : "whole process (client + proxy + nodes)")
            + "; CPU ms/op = process CPU time (user+sys) inside the timed Tiered operations" + (Settings.TierInChildProcess ? ", client + tier child process" : "") + ", per operation;");
        text.AppendLine("Tiered/Redis = Tiered p50 / Redis p50.");
        return text.ToString();
    }

    public string Table()
    {
        string[] headers = ["size", "op", "n", "Tiered p50 ms", "p99 ms", "MB/s", "ops/s", "alloc/op", "CPU ms/op", "Redis p50 ms", "p99 ms", "MB/s", "ops/s", "Tiered/Redis", "bar"];
        var rows = Rows.Select(r => new[]
        {
            ByteSize.Format(r.Size),
            r.Label,
            r.Tiered.Count.ToString(s_invariant),
            Ms(r.Tiered.P50Ms), Ms(r.Tiered.P99Ms), Rate(r.Tiered.MBps), Rate(r.Tiered.OpsPerSecond),
            r.TieredAllocatedBytesPerOp is { } alloc ? Bytes(alloc) : "-",
            r.Cpu is null ? "-" : Ms(r.Cpu.TotalMsPerOp),
            r.Redis is null ? "-" : Ms(r.Redis.P50Ms), r.Redis is null ? "-" : Ms(r.Redis.P99Ms),
            r.Redis is null ? "-" : Rate(r.Redis.MBps), r.Redis is null ? "-" : Rate(r.Redis.OpsPerSecond),
            r.Ratio is { } ratio ? ratio.ToString("F2", s_invariant) + "x" : "-",
            r.Bar is { } bar ? $"<={bar.ToString("F1", s_invariant)}x {(r.MeetsBar switch { true => "ok", false => "MISSED", null => "n/a" })}" : "",
        }).ToList();
        var widths = headers.Select((h, c) => Math.Max(h.Length, rows.Count == 0 ? 0 : rows.Max(row => row[c].Length))).ToArray();
        var text = new StringBuilder();
        void Line(IReadOnlyList<string> cells) =>
            text.AppendLine(string.Join("  ", cells.Select((cell, c) => c is 1 or 14 ? cell.PadRight(widths[c]) : cell.PadLeft(widths[c]))).TrimEnd());
        Line(headers);
        Line(widths.Select(w => new string('-', w)).ToArray());
        for (int i = 0; i < rows.Count; i++)
        {
            if (i > 0 && Rows[i].Size != Rows[i - 1].Size) text.AppendLine();
            Line(rows[i]);
        }
        return text.ToString();
    }

    /// <summary>The allocation lines under the table.</summary>
    public string Allocations()
    {
        var text = new StringBuilder();
        foreach (var a in new[] { WholeProcessAllocation, ClientAllocation })
        {
            if (a is null) continue;
            string put = a.BytesPerPut is { } perPut ? Invariant($"; per PUT {Bytes(perPut)} = {perPut / a.Size:F3}x") : "";
            text.AppendLine(Invariant($"allocated per {ByteSize.Format(a.Size)} GET, {a.Scope}: {Bytes(a.BytesPerGet)} = {a.RatioToObject:F4}x the object (bar <= {E2eAllocation.Bar:F0}x: {(a.MeetsBar ? "ok" : "MISSED")}; mean of {a.Gets} GETs){put}"));
        }
        if (WholeProcessAllocation is not null && ClientAllocation is null && !Settings.TierInChildProcess)
            text.AppendLine("client-only allocation not measured (--no-client-alloc)");
        return text.ToString();
    }

    public string Summary()
    {
        var parts = new List<string>();
        var barred = Rows.Where(r => r.MeetsBar is not null).ToList();
        foreach (var r in barred)
            parts.Add(Invariant($"{r.Label} {ByteSize.Format(r.Size)} {r.Ratio:F2}x{(r.MeetsBar == true ? "" : " (bar " + r.Bar!.Value.ToString("F1", s_invariant) + "x MISSED)")}"));
        string ratios = barred.Count == 0 ? "no Redis ratios" : $"Tiered/Redis p50 {string.Join(", ", parts)}; bars met {barred.Count(r => r.MeetsBar == true)}/{barred.Count}";
        var alloc = ClientAllocation ?? WholeProcessAllocation;
        string allocation = alloc is null ? "" : Invariant($"; {(ReferenceEquals(alloc, ClientAllocation) ? "client" : "process")} alloc per {ByteSize.Format(alloc.Size)} GET {alloc.RatioToObject:F3}x the object{(alloc.MeetsBar ? "" : " (bar 2x MISSED)")}");
        string verdict = Problems.Count == 0 ? $"all {VerifiedGets} GETs verified" : $"{Problems.Count} VERIFICATION FAILURE(S) in {VerifiedGets + Problems.Count} GETs";
        return Invariant($"summary: {ratios}{allocation}; {verdict}; {Elapsed.TotalSeconds:F0} s");
    }

    public void WriteJson(Stream stream)
    {
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteString("date", Date);
        json.WriteString("cpu", MachineInfo.CpuModel);
        json.WriteNumber("logicalCpus", Environment.ProcessorCount);
        json.WriteString("runtime", MachineInfo.Runtime);
        json.WriteBoolean("quick", Settings.Quick);
        json.WriteStartObject("tier");
        json.WriteNumber("nodes", Settings.Shape.Nodes);
        json.WriteString("codec", Settings.Shape.Codec);
        json.WriteNumber("memoryMiBPerNode", Settings.Shape.MemoryMiB);
        json.WriteString("placement", "rendezvous");
        json.WriteString("location", TierLocation);
        json.WriteEndObject();
        if (RedisVersion is null) json.WriteNull("redis");
        else json.WriteString("redis", RedisVersion);
        json.WriteNumber("concurrency", Settings.Concurrency);
        json.WriteNumber("elapsedSeconds", Math.Round(Elapsed.TotalSeconds, 1));
        json.WriteNumber("verifiedGets", VerifiedGets);
        json.WriteStartArray("problems");
        foreach (string problem in Problems) json.WriteStringValue(problem);
        json.WriteEndArray();
        json.WriteStartArray("notes");
        foreach (string note in Notes) json.WriteStringValue(note);
        json.WriteEndArray();
        json.WriteStartArray("rows");
        foreach (var r in Rows)
        {
            json.WriteStartObject();
            json.WriteNumber("size", r.Size);
            json.WriteString("operation", r.Label);
            json.WriteNumber("concurrency", r.Concurrency);
            WriteStats(json, "tiered", r.Tiered);
            if (r.TieredAllocatedBytesPerOp is { } alloc) json.WriteNumber("tieredAllocatedBytesPerOp", Math.Round(alloc));
            if (r.Cpu is { } cpu)
            {
                json.WriteStartObject("tieredCpuMsPerOp");
                json.WriteNumber("thisProcess", Math.Round(cpu.ThisProcessMsPerOp, 3));
                if (cpu.TierProcessMsPerOp is { } tier) json.WriteNumber("tierProcess", Math.Round(tier, 3));
                json.WriteNumber("total", Math.Round(cpu.TotalMsPerOp, 3));
                json.WriteEndObject();
            }
            if (r.Redis is null) json.WriteNull("redis");
            else WriteStats(json, "redis", r.Redis);
            if (r.Ratio is { } ratio) json.WriteNumber("ratioP50", Math.Round(ratio, 3));
            if (r.Bar is { } bar) json.WriteNumber("bar", bar);
            if (r.MeetsBar is { } meets) json.WriteBoolean("meetsBar", meets);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteStartArray("allocation");
        foreach (var a in new[] { WholeProcessAllocation, ClientAllocation })
        {
            if (a is null) continue;
            json.WriteStartObject();
            json.WriteString("scope", a.Scope);
            json.WriteNumber("size", a.Size);
            json.WriteNumber("gets", a.Gets);
            json.WriteNumber("bytesPerGet", Math.Round(a.BytesPerGet));
            json.WriteNumber("ratioToObject", Math.Round(a.RatioToObject, 4));
            json.WriteBoolean("meetsBar", a.MeetsBar);
            if (a.BytesPerPut is { } perPut) json.WriteNumber("bytesPerPut", Math.Round(perPut));
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteStats(Utf8JsonWriter json, string name, LatencyStats s)
    {
        json.WriteStartObject(name);
        json.WriteNumber("count", s.Count);
        json.WriteNumber("p50Ms", Math.Round(s.P50Ms, 4));
        json.WriteNumber("p99Ms", Math.Round(s.P99Ms, 4));
        json.WriteNumber("meanMs", Math.Round(s.MeanMs, 4));
        json.WriteNumber("minMs", Math.Round(s.MinMs, 4));
        json.WriteNumber("maxMs", Math.Round(s.MaxMs, 4));
        json.WriteNumber("MBps", Math.Round(s.MBps, 1));
        json.WriteNumber("opsPerSecond", Math.Round(s.OpsPerSecond, 1));
        json.WriteEndObject();
    }

    private static string Ms(double ms) => ms switch
    {
        < 1 => ms.ToString("F3", s_invariant),
        < 100 => ms.ToString("F2", s_invariant),
        _ => ms.ToString("F1", s_invariant),
    };

    private static string Rate(double value) => value < 10 ? value.ToString("F1", s_invariant) : value.ToString("F0", s_invariant);

    private static string Bytes(double bytes) => bytes switch
    {
        >= 1 << 20 => (bytes / (1 << 20)).ToString("F1", s_invariant) + " MiB",
        >= 1 << 10 => (bytes / (1 << 10)).ToString("F1", s_invariant) + " KiB",
        _ => bytes.ToString("F0", s_invariant) + " B",
    };

    private static string Invariant(FormattableString text) => text.ToString(s_invariant);
}
