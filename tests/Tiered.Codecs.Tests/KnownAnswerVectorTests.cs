using System.Text.Json;
using Tiered.Codecs.Kernels;
using Tiered.Coding;
using Xunit;

namespace Tiered.Codecs.Tests;

public class KnownAnswerVectorTests
{
    public static TheoryData<string, int> Kernels()
    {
        var data = new TheoryData<string, int>();
        foreach (var kernel in GaloisKernel.Available)
            for (int i = 0; i < SharedVectors.Read("reed-solomon-cauchy.json").Length; i++)
                data.Add(kernel.Name, i);
        return data;
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void ReedSolomonParityEqualsIsaL(string kernelName, int index)
    {
        var vector = SharedVectors.Read("reed-solomon-cauchy.json")[index];
        int k = vector.GetProperty("k").GetInt32(), r = vector.GetProperty("r").GetInt32();
        var data = vector.GetProperty("data").EnumerateArray().Select(e => Convert.FromHexString(e.GetString()!)).ToArray();
        var parity = vector.GetProperty("parity").EnumerateArray().Select(e => Convert.FromHexString(e.GetString()!)).ToArray();
        var codec = new ReedSolomonCodec(k, r, GaloisKernel.FromName(kernelName));

        var shards = data.Select(d => (byte[])d.Clone()).Concat(parity.Select(p => new byte[p.Length])).ToArray();
        codec.EncodeParity(shards.Select(s => s.AsMemory()).ToArray());
        for (int i = 0; i < r; i++) Assert.Equal(Convert.ToHexString(parity[i]), Convert.ToHexString(shards[k + i]));

        // Lose the first min(r, k) data shards and rebuild them from the rest.
        var present = Enumerable.Range(0, k + r).Select(i => i >= Math.Min(r, k)).ToArray();
        for (int i = 0; i < k + r; i++) if (!present[i]) Array.Clear(shards[i]);
        codec.Reconstruct(shards.Select(s => s.AsMemory()).ToArray(), present);
        for (int i = 0; i < k; i++) Assert.Equal(Convert.ToHexString(data[i]), Convert.ToHexString(shards[i]));
    }

    public static TheoryData<int> RaidVectors() => new(Enumerable.Range(0, SharedVectors.Read("raid-layouts.json").Length));

    [Theory]
    [MemberData(nameof(RaidVectors))]
    public void RaidLayoutsEqualLinuxMd(int index)
    {
        var vector = SharedVectors.Read("raid-layouts.json")[index];
        int k = vector.GetProperty("k").GetInt32(), unit = vector.GetProperty("stripeUnit").GetInt32();
        var obj = Convert.FromHexString(vector.GetProperty("object").GetString()!);
        var expected = vector.GetProperty("shards").EnumerateArray().Select(e => e.GetString()!).ToArray();
        IErasureCodec codec = vector.GetProperty("codec").GetString() switch
        {
            "raid0" => RaidCodec.Raid0(k, unit),
            "raid4" => RaidCodec.Raid4(k, unit),
            "raid5" => RaidCodec.Raid5(k, unit),
            "raid6" => RaidCodec.Raid6(k, unit),
            var other => throw new InvalidOperationException($"unknown codec {other}"),
        };
        using var shards = codec.EncodeToShards(obj);
        Assert.Equal(expected.Length, shards.Count);
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], Convert.ToHexString(shards[i].Span), ignoreCase: true);

        for (int lost = 0; lost < shards.Count && codec.ParityShards > 0; lost++)
        {
            shards.MarkAllPresent();
            for (int j = 0; j < codec.ParityShards; j++) shards.MarkMissing((lost + j) % shards.Count);
            Assert.Equal(obj, codec.DecodeToArray(shards));
        }
    }
}
