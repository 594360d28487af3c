using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Tiered.Cli.Benchmarks;

/// <summary>Everything one <c>tiered bench codecs</c> run measured, with the table, summary and JSON renderings.</summary>
internal sealed record CodecBenchReport(
    DateTimeOffset Date,
    string Cpu,
    string Runtime,
    string VectorFeatures,
    string GfKernel,
    string XorKernel,
    string? IsaLLibrary,
    string? IsaLMissingReason,
    bool Quick,
    MeasureSettings Settings,
    IReadOnlyList<CodecBenchResult> Results,
    IReadOnlyList<string> Problems,
    TimeSpan Elapsed)
{
    private static readonly CultureInfo s_invariant = CultureInfo.InvariantCulture;

    public string Header()
    {
        var text = new StringBuilder();
        text.AppendLine($"tiered bench codecs — {Date:yyyy-MM-dd HH:mm zzz}{(Quick ? " (--quick)" : "")}");
        text.AppendLine($"CPU: {Cpu} ({Environment.ProcessorCount} logical CPUs; {VectorFeatures}); {Runtime}");
        text.AppendLine($"GF kernel: {GfKernel}; XOR kernel: {XorKernel}; ISA-L: {(IsaLLibrary is null ? $"not measured ({IsaLMissingReason})" : IsaLLibrary)}");
        text.AppendLine(Invariant($"Method: one thread, cache-hot (same buffers reused), {Settings.Warmup.TotalMilliseconds:F0} ms warm-up, best of {Settings.Rounds} rounds of ≥ {Settings.Round.TotalMilliseconds:F0} ms (Tiered and ISA-L rounds alternate); GB/s = 10^9 bytes of object data (k × shard) per second."));
        text.AppendLine("encode/decode = shard level (EncodeParity / Reconstruct(dataOnly) vs ec_encode_data, xor_gen, pq_gen; ISA-L decode includes gf_invert_matrix + ec_init_tables);");
        text.AppendLine("(object) = object-level Encode/Decode incl. the copy (ISA-L column: memcpy + the same ISA-L call). lost = data shards rebuilt.");
        return text.ToString();
    }

    public string Table()
    {
        string[] headers = ["codec", "shard", "operation", "lost", "Tiered GB/s", "ISA-L GB/s", "Tiered/ISA-L"];
        var rows = Results.Select(r => new[]
        {
            r.Codec,
            ByteSize.Format(r.ShardSize),
            CodecBenchResult.Label(r.Operation),
            r.Lost == 0 ? "-" : r.Lost.ToString(s_invariant),
            r.Tiered.BestGBps.ToString("F2", s_invariant),
            r.IsaL is null ? "-" : r.IsaL.BestGBps.ToString("F2", s_invariant),
            r.Ratio is { } ratio ? ratio.ToString("F2", s_invariant) + "x" : "-",
        }).ToList();
        var widths = headers.Select((h, c) => Math.Max(h.Length, rows.Count == 0 ? 0 : rows.Max(row => row[c].Length))).ToArray();
        bool[] rightAligned = [false, true, false, true, true, true, true];

        var text = new StringBuilder();
        void Line(IReadOnlyList<string> cells) =>
            text.AppendLine(string.Join("  ", cells.Select((cell, c) => rightAligned[c] ? cell.PadLeft(widths[c]) : cell.PadRight(widths[c]))).TrimEnd());
        Line(headers);
        Line(widths.Select(w => new string('-', w)).ToArray());
        for (int i = 0; i < rows.Count; i++)
        {
            if (i > 0 && Results[i].Codec != Results[i - 1].Codec) text.AppendLine();
            Line(rows[i]);
        }
        return text.ToString();
    }

    public string Summary()
    {
        var compared = Results.Where(r => r.Ratio is not null).ToList();
        string verdict = Problems.Count == 0 ? "all outputs verified" : $"{Problems.Count} VERIFICATION FAILURE(S)";
        string head = Invariant($"summary: kernel {GfKernel}, {Results.Count} measurements in {Elapsed.TotalSeconds:F0} s, {verdict}");
        var rs = Results.Where(r => r.Codec == "rs(10,4)" && r.ShardSize == 1 << 20).ToDictionary(r => r.Operation);
        string headline = rs.TryGetValue(CodecOperation.Encode, out var e) && rs.TryGetValue(CodecOperation.Decode, out var d)
            ? Invariant($"; rs(10,4) 1 MiB encode {e.Tiered.BestGBps:F1} GB/s{IsaLPart(e)}, decode-2 {d.Tiered.BestGBps:F1} GB/s{IsaLPart(d)}")
            : "";
        if (compared.Count == 0) return head + headline + "; no ISA-L comparison";
        double Geomean(IEnumerable<CodecBenchResult> rows)
        {
            var list = rows.ToList();
            return list.Count == 0 ? double.NaN : Math.Exp(list.Average(r => Math.Log(r.Ratio!.Value)));
        }
        var shardLevel = compared.Where(r => r.Operation is CodecOperation.Encode or CodecOperation.Decode).ToList();
        var worst = shardLevel.Count > 0 ? shardLevel.MinBy(r => r.Ratio!.Value)! : compared.MinBy(r => r.Ratio!.Value)!;
        return head + headline
            + Invariant($"; Tiered/ISA-L geometric mean {Geomean(shardLevel):F2}x shard-level (encode {Geomean(shardLevel.Where(r => r.Operation == CodecOperation.Encode)):F2}x, decode {Geomean(shardLevel.Where(r => r.Operation == CodecOperation.Decode)):F2}x), ")
            + Invariant($"{Geomean(compared.Except(shardLevel)):F2}x object-level; lowest {worst.Ratio:F2}x ({worst.Codec} {ByteSize.Format(worst.ShardSize)} {CodecBenchResult.Label(worst.Operation)})");

        static string IsaLPart(CodecBenchResult r) => r.IsaL is null ? "" : Invariant($" (ISA-L {r.IsaL.BestGBps:F1})");
    }

    public void WriteJson(Stream stream)
    {
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteString("date", Date);
        json.WriteString("cpu", Cpu);
        json.WriteNumber("logicalCpus", Environment.ProcessorCount);
        json.WriteString("runtime", Runtime);
        json.WriteString("vectorFeatures", VectorFeatures);
        json.WriteString("gfKernel", GfKernel);
        json.WriteString("xorKernel", XorKernel);
        json.WriteStartObject("isal");
        json.WriteBoolean("measured", IsaLLibrary is not null);
        if (IsaLLibrary is not null) json.WriteString("library", IsaLLibrary);
        if (IsaLMissingReason is not null) json.WriteString("reason", IsaLMissingReason);
        json.WriteEndObject();
        json.WriteBoolean("quick", Quick);
        json.WriteStartObject("method");
        json.WriteString("unit", "GB/s = 1e9 bytes of object data (k x shard size) per second, one thread, cache-hot");
        json.WriteNumber("warmupMs", Settings.Warmup.TotalMilliseconds);
        json.WriteNumber("roundMs", Settings.Round.TotalMilliseconds);
        json.WriteNumber("rounds", Settings.Rounds);
        json.WriteString("reported", "best round (median also given)");
        json.WriteEndObject();
        json.WriteNumber("elapsedSeconds", Math.Round(Elapsed.TotalSeconds, 1));
        json.WriteStartArray("problems");
        foreach (string problem in Problems) json.WriteStringValue(problem);
        json.WriteEndArray();
        json.WriteStartArray("results");
        foreach (var r in Results)
        {
            json.WriteStartObject();
            json.WriteString("codec", r.Codec);
            json.WriteNumber("shardSize", r.ShardSize);
            json.WriteString("operation", CodecBenchResult.Label(r.Operation));
            json.WriteNumber("lostShards", r.Lost);
            json.WriteNumber("bytesPerOperation", r.BytesPerOperation);
            WriteThroughput(json, "tiered", r.Tiered);
            if (r.IsaL is null) json.WriteNull("isal");
            else WriteThroughput(json, "isal", r.IsaL);
            if (r.Ratio is { } ratio) json.WriteNumber("ratio", Math.Round(ratio, 3));
            else json.WriteNull("ratio");
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteThroughput(Utf8JsonWriter json, string name, Throughput throughput)
    {
        json.WriteStartObject(name);
        json.WriteNumber("bestGBps", Math.Round(throughput.BestGBps, 3));
        json.WriteNumber("medianGBps", Math.Round(throughput.MedianGBps, 3));
        json.WriteNumber("operationsPerRound", throughput.OperationsPerRound);
        json.WriteStartArray("roundsGBps");
        foreach (double round in throughput.RoundsGBps) json.WriteNumberValue(Math.Round(round, 3));
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static string Invariant(FormattableString text) => text.ToString(s_invariant);
}
