using Tiered.Coding;
using Xunit;

namespace Tiered.Codecs.Tests;

public class ShardSetTests
{
    [Fact]
    public void RentForACodecHasOneShardPerCodecShardOfTheRightLength()
    {
        var codec = new ReedSolomonCodec(4, 2);
        using var set = ShardSet.Rent(codec, 1000);
        Assert.Equal(6, set.Count);
        Assert.Equal(codec.ShardSize(1000), set.ShardLength);
        Assert.Equal(1000, set.ObjectLength);
        for (int i = 0; i < set.Count; i++) Assert.Equal(set.ShardLength, set[i].Length);
        Assert.Equal(6, set.Shards.Length);
        Assert.Equal(6, set.ReadOnlyShards.Length);
        Assert.Equal(6, set.PresentCount);
    }

    [Fact]
    public void RentByCountDoesNotKnowTheObjectLength()
    {
        using var set = ShardSet.Rent(3, 17);
        Assert.Equal(-1, set.ObjectLength);
        Assert.Equal(17, set[2].Length);
        var e = Assert.Throws<ArgumentException>(() => new ReplicationCodec(3).DecodeToArray(set));
        Assert.Contains("length", e.Message);
    }

    [Fact]
    public void PresenceFlagsCanBeClearedAndRestored()
    {
        using var set = ShardSet.Rent(5, 8);
        set.MarkMissing(1);
        set.Present[3] = false;
        Assert.Equal(3, set.PresentCount);
        Assert.Equal([true, false, true, false, true], set.Present.ToArray());
        set.MarkAllPresent();
        Assert.Equal(5, set.PresentCount);
    }

    [Fact]
    public void ZeroLengthShardsAreAllowed()
    {
        var codec = new ReedSolomonCodec(4, 2);
        using var set = codec.EncodeToShards([]);
        Assert.Equal(0, set.ShardLength);
        Assert.Empty(codec.DecodeToArray(set));
    }

    [Fact]
    public void BadArgumentsAreRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ShardSet.Rent(0, 8));
        Assert.Throws<ArgumentOutOfRangeException>(() => ShardSet.Rent(2, -1));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => ShardSet.Rent(new ReedSolomonCodec(4, 2), -5));
        Assert.Contains("negative", e.Message);
    }

    [Fact]
    public void DisposedSetsRefuseAccess()
    {
        var set = ShardSet.Rent(2, 8);
        set.Dispose();
        set.Dispose(); // twice is harmless
        Assert.Throws<ObjectDisposedException>(() => set[0]);
        Assert.Throws<ObjectDisposedException>(() => set.Shards.Length);
        Assert.Throws<ObjectDisposedException>(() => set.ReadOnlyShards.Length);
        Assert.Throws<ObjectDisposedException>(() => set.Present.Length);
    }

    [Fact]
    public void ExtensionsEncodeDecodeAndReconstructThroughTheSet()
    {
        var codec = RaidCodec.Raid6(4, 64);
        var obj = new byte[3000];
        new Random(3).NextBytes(obj);
        using var set = codec.EncodeToShards(obj);
        var original = Enumerable.Range(0, set.Count).Select(i => set[i].ToArray()).ToArray();
        Assert.True(codec.Verify(set));

        set.MarkMissing(1);
        set.MarkMissing(5);
        set[1].Span.Fill(0xEE);
        set[5].Span.Fill(0xEE);
        Assert.Equal(obj, codec.DecodeToArray(set));

        codec.Reconstruct(set, dataOnly: true);
        Assert.Equal(original[1], set[1].ToArray());
        Assert.All(set[5].ToArray(), b => Assert.Equal(0xEE, b));
        Assert.True(set.Present[1]);
        Assert.False(set.Present[5]);

        codec.Reconstruct(set);
        Assert.Equal(original[5], set[5].ToArray());
        Assert.Equal(6, set.PresentCount);
        Assert.True(codec.Verify(set));
    }
}
