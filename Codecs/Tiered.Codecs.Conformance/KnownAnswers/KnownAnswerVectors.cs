using System.Text.Json;

namespace Tiered.Codecs.Conformance.KnownAnswers;

/// <summary>A Reed-Solomon vector: k data shards and the r parity shards ISA-L's Cauchy encoder computes from them.</summary>
public sealed record ReedSolomonVector(string Source, int Index, int DataShards, int ParityShards, byte[][] Data, byte[][] Parity)
{
    public string Name => $"{Path.GetFileName(Source)}#{Index} rs({DataShards},{ParityShards}) shard {Data[0].Length} B";
}

/// <summary>A RAID layout vector: an object and the shards (by disk index) the Linux md layout makes of it.</summary>
public sealed record RaidVector(string Source, int Index, string Codec, int DataShards, int StripeUnit, byte[] Object, byte[][] Shards)
{
    public string Name => $"{Path.GetFileName(Source)}#{Index} {Codec}({DataShards},unit={StripeUnit}) object {Object.Length} B";
}

/// <summary>Reads vector files in the format of <c>shared/vectors</c>, recognising each file by its entries' fields.</summary>
public static class KnownAnswerVectors
{
    public static (IReadOnlyList<ReedSolomonVector> ReedSolomon, IReadOnlyList<RaidVector> Raid) LoadDirectory(string directory)
    {
        if (!Directory.Exists(directory))
            throw new DirectoryNotFoundException($"Vector directory '{directory}' does not exist.");
        var rs = new List<ReedSolomonVector>();
        var raid = new List<RaidVector>();
        foreach (string file in Directory.EnumerateFiles(directory, "*.json").Order(StringComparer.Ordinal))
        {
            var (fileRs, fileRaid) = LoadFile(file);
            rs.AddRange(fileRs);
            raid.AddRange(fileRaid);
        }
        return (rs, raid);
    }

    public static (IReadOnlyList<ReedSolomonVector> ReedSolomon, IReadOnlyList<RaidVector> Raid) LoadFile(string file)
    {
        var rs = new List<ReedSolomonVector>();
        var raid = new List<RaidVector>();
        using var document = JsonDocument.Parse(File.ReadAllText(file));
        if (document.RootElement.ValueKind != JsonValueKind.Array) return (rs, raid);
        int index = 0;
        foreach (var entry in document.RootElement.EnumerateArray())
        {
            try
            {
                if (entry.ValueKind != JsonValueKind.Object) continue;
                if (entry.TryGetProperty("parity", out var parity) && entry.TryGetProperty("data", out var data))
                {
                    rs.Add(new ReedSolomonVector(file, index, entry.GetProperty("k").GetInt32(), entry.GetProperty("r").GetInt32(),
                        Hex(data), Hex(parity)));
                }
                else if (entry.TryGetProperty("codec", out var codec) && entry.TryGetProperty("shards", out var shards))
                {
                    raid.Add(new RaidVector(file, index, codec.GetString()!, entry.GetProperty("k").GetInt32(),
                        entry.GetProperty("stripeUnit").GetInt32(), Convert.FromHexString(entry.GetProperty("object").GetString()!), Hex(shards)));
                }
            }
            catch (Exception e) when (e is KeyNotFoundException or FormatException or InvalidOperationException)
            {
                throw new InvalidDataException($"{file}: entry {index} is malformed: {e.Message}", e);
            }
            finally
            {
                index++;
            }
        }
        return (rs, raid);
    }

    private static byte[][] Hex(JsonElement array) => array.EnumerateArray().Select(e => Convert.FromHexString(e.GetString()!)).ToArray();
}
