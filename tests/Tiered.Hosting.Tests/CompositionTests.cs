using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Tiered.Client;
using Tiered.Codecs;
using Tiered.Placement;
using Tiered.Providers.Local;
using Xunit;

namespace Tiered.Hosting.Tests;

/// <summary>The same put/get scenario through a tier composed in code and one built from appsettings.json.</summary>
public sealed class CompositionTests
{
    [Fact]
    public async Task A_tier_composed_in_code_serves_put_get_and_delete()
    {
        using var host = TestHosts.InCode(TestHosts.SmallTier);
        await RunScenarioAsync(host);
    }

    [Fact]
    public async Task A_tier_built_from_appsettings_json_serves_the_same_scenario()
    {
        using var host = TestHosts.FromJson(TestHosts.SmallTierJson);
        await RunScenarioAsync(host);
    }

    [Fact]
    public async Task Code_overrides_configuration()
    {
        using var host = TestHosts.FromJson(TestHosts.SmallTierJson, tier => tier.UseCodec("raid5(3)").UsePlacement("rendezvous"));
        await host.StartAsync(TestHosts.Timeout());
        try
        {
            Assert.Equal("raid5(3)", host.Runtime().Codec.Name);
            Assert.Equal("rendezvous", host.Runtime().Placement.Name);
            var tier = host.Services.GetRequiredService<ITier>();
            var value = TestHosts.RandomBytes(300_001, 5);
            await tier.PutAsync("k", value, TestHosts.Timeout());
            using var got = await tier.GetAsync("k", TestHosts.Timeout());
            Assert.Equal(value, got!.ToArray());
        }
        finally
        {
            await host.StopAsync(TestHosts.Timeout());
        }
    }

    [Fact]
    public async Task Third_party_codec_placement_and_backend_register_by_name_and_are_selected_from_configuration()
    {
        string json = """
            {
              "Tiered": {
                "Codec": { "Kind": "mirror", "Parameters": { "copies": "3" } },
                "Placement": { "Kind": "first-hrw" },
                "Backend": { "Kind": "my-local", "Mine": { "Functions": 5 } },
                "Proxy": { "ClientPort": 0, "NodePort": 0 }
              }
            }
            """;
        int backendsBuilt = 0;
        using var host = TestHosts.FromJson(json, tier => tier
            .AddCodec("mirror", o => CodecFactory.Create($"replication({o.Parameters["copies"]})"))
            .AddPlacement("first-hrw", _ => PlacementFactory.Create("hrw"))
            .AddBackend("my-local", sp =>
            {
                Interlocked.Increment(ref backendsBuilt);
                return new LocalFunctionPlatform(new LocalFunctionOptions { FunctionCount = 5, MemoryMiB = 32, ColdStartDelay = TimeSpan.Zero },
                    _ => new Tiered.Nodes.FunctionNode());
            }, configurationSection: "Mine", settingsType: typeof(MySettings)));
        await host.StartAsync(TestHosts.Timeout());
        try
        {
            Assert.Equal(1, backendsBuilt);
            Assert.Equal("replication(3)", host.Runtime().Codec.Name);
            Assert.Equal(5, host.Runtime().Backend.Functions.Count);
            var tier = host.Services.GetRequiredService<ITier>();
            var value = TestHosts.RandomBytes(70_000, 9);
            await tier.PutAsync("x", value, TestHosts.Timeout());
            using var got = await tier.GetAsync("x", TestHosts.Timeout());
            Assert.Equal(value, got!.ToArray());
        }
        finally
        {
            await host.StopAsync(TestHosts.Timeout());
        }
    }

    private sealed class MySettings
    {
        public int Functions { get; set; }
    }

    private static async Task RunScenarioAsync(IHost host)
    {
        await host.StartAsync(TestHosts.Timeout());
        try
        {
            var runtime = host.Runtime();
            Assert.Equal("rs(4,2)", runtime.Codec.Name);
            Assert.Equal("vnodes(160)", runtime.Placement.Name);
            Assert.Equal("local", runtime.Backend.Name);
            Assert.Equal(8, runtime.Backend.Functions.Count);
            Assert.Equal("127.0.0.1", runtime.ClientEndPoint.Address.ToString());
            Assert.NotEqual(0, runtime.ClientEndPoint.Port);

            var tier = host.Services.GetRequiredService<ITier>();
            var client = host.Services.GetRequiredService<TierClient>();
            Assert.Same(runtime.Client, client);
            var big = TestHosts.RandomBytes(3 * 1024 * 1024 + 17, 1);
            var small = TestHosts.RandomBytes(10, 2);
            await tier.PutAsync("big", big, TestHosts.Timeout());
            await tier.PutAsync("small", small, TestHosts.Timeout());
            await tier.PutAsync("empty", ReadOnlyMemory<byte>.Empty, TestHosts.Timeout());
            using (var got = await tier.GetAsync("big", TestHosts.Timeout())) Assert.True(got!.Span.SequenceEqual(big));
            using (var got = await client.GetAsync("small", TestHosts.Timeout())) Assert.Equal(small, got!.ToArray());
            using (var got = await tier.GetAsync("empty", TestHosts.Timeout())) Assert.Equal(0, got!.Length);
            Assert.Null(await tier.GetAsync("absent", TestHosts.Timeout()));
            Assert.True(await tier.DeleteAsync("big", TestHosts.Timeout()));
            Assert.False(await tier.DeleteAsync("big", TestHosts.Timeout()));
            Assert.Null(await tier.GetAsync("big", TestHosts.Timeout()));
        }
        finally
        {
            await host.StopAsync(TestHosts.Timeout());
        }
    }
}
