using Tiered.Client;
using Xunit;

namespace Tiered.Tier.Tests;

/// <summary>Objects from 0 B to 100 MiB through client → proxy → Local function instances over loopback TCP.</summary>
public class RoundTripTests
{
    [Theory]
    [InlineData("rs(10,2)", 0)]
    [InlineData("rs(10,2)", 1)]
    [InlineData("rs(10,2)", 1000)]
    [InlineData("rs(10,2)", (1 << 20) + 3)]
    [InlineData("rs(10,2)", 10 << 20)]
    [InlineData("rs(4,2)", 777_777)]
    [InlineData("raid5(4)", 300_001)]
    [InlineData("raid6(4)", 123_457)]
    [InlineData("replication(3)", 65_537)]
    public async Task PutThenGetReturnsTheSameBytes(string codec, int length)
    {
        await using var tier = TierHarness.Start(codec);
        var value = TierHarness.RandomBytes(length, length);
        await tier.Client.PutAsync("object", value);
        using var read = await tier.Client.GetAsync("object");
        Assert.NotNull(read);
        Assert.Equal(length, read.Length);
        Assert.True(value.AsSpan().SequenceEqual(read.Span), "the bytes read differ from the bytes written");
    }

    [Fact]
    public async Task HundredMebibyteObjectRoundTrips()
    {
        await using var tier = TierHarness.Start("rs(10,2)", functions: 12, memoryMiB: 64);
        var value = TierHarness.RandomBytes(100 << 20, 100);
        await tier.Client.PutAsync("big", value);
        using var read = await tier.Client.GetAsync("big");
        Assert.NotNull(read);
        Assert.True(value.AsSpan().SequenceEqual(read.Span));
    }

    [Fact]
    public async Task MissingKeyIsNull()
    {
        await using var tier = TierHarness.Start();
        Assert.Null(await tier.Client.GetAsync("never-stored"));
    }

    [Fact]
    public async Task RePutReplacesAndDeleteRemoves()
    {
        await using var tier = TierHarness.Start();
        var first = TierHarness.RandomBytes(50_000, 1);
        var second = TierHarness.RandomBytes(70_000, 2);
        await tier.Client.PutAsync("k", first);
        await tier.Client.PutAsync("k", second);
        using (var read = await tier.Client.GetAsync("k"))
            Assert.Equal(second, read!.ToArray());
        Assert.Equal(1, tier.Proxy.ObjectCount);
        Assert.True(await tier.Client.DeleteAsync("k"));
        Assert.False(await tier.Client.DeleteAsync("k"));
        Assert.Null(await tier.Client.GetAsync("k"));
    }

    [Fact]
    public async Task StreamOverloadsRoundTrip()
    {
        await using var tier = TierHarness.Start();
        var value = TierHarness.RandomBytes(200_000, 9);
        await tier.Client.PutAsync("s", new MemoryStream(value));
        var destination = new MemoryStream();
        Assert.True(await tier.Client.GetAsync("s", destination));
        Assert.Equal(value, destination.ToArray());
        Assert.False(await tier.Client.GetAsync("absent", new MemoryStream()));
    }

    [Fact]
    public async Task ManyConcurrentClientsSeeTheirOwnObjects()
    {
        await using var tier = TierHarness.Start();
        var clients = Enumerable.Range(0, 6).Select(_ => TierHarness.NewClient(tier.Proxy, tier.Client.Codec, connections: 2)).ToArray();
        try
        {
            await Task.WhenAll(clients.Select((client, c) => Task.Run(async () =>
            {
                for (int i = 0; i < 8; i++)
                {
                    string key = $"client{c}-object{i}";
                    var value = TierHarness.RandomBytes(10_000 + 997 * i + c, c * 100 + i);
                    await client.PutAsync(key, value);
                    using var read = await client.GetAsync(key);
                    Assert.Equal(value, read!.ToArray());
                }
            })));
            Assert.Equal(48, tier.Proxy.ObjectCount);
        }
        finally
        {
            foreach (var client in clients) await client.DisposeAsync();
        }
    }
}
