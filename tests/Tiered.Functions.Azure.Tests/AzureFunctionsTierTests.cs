using Tiered.Client;
using Tiered.Codecs;
using Tiered.Functions;
using Tiered.Placement;
using Tiered.Providers.Azure;
using Tiered.Proxy;
using Tiered.Testing;

namespace Tiered.Functions.Azure.Tests;

/// <summary>
/// The whole Azure path on one machine: a tier whose proxy invokes its nodes through the Azure Functions provider (HTTP POSTs
/// with <c>x-functions-key</c>) against Kestrel playing six function apps, each running the worker's <see cref="NodeFunction"/>;
/// the nodes dial back to the proxy over loopback TCP.
/// </summary>
public sealed class AzureFunctionsTierTests
{
    private const string Key = "tier-test-function-key";

    private sealed class AzureTier : IAsyncDisposable
    {
        public required FunctionAppsEndpoint Apps { get; init; }
        public required AzureFunctionsBackend Backend { get; init; }
        public required TierProxy Proxy { get; init; }
        public required TierClient Client { get; init; }

        public static async Task<AzureTier> StartAsync(string codec = "rs(4,2)")
        {
            var apps = await FunctionAppsEndpoint.StartAsync(Key, app => NodeFunctionTests.Settings($"{app}-instance-{Guid.NewGuid():N}"[..40], memoryMiB: 512));
            var backend = new AzureFunctionsBackend(new AzureFunctionsOptions
            {
                BaseUrl = apps.BaseUrl,
                FunctionNamePrefix = "contoso-tiered-",
                FunctionCount = 6,
                MemoryMiB = 512,
                FunctionKey = Key,
            });
            var proxy = new TierProxy(
                new TierProxyOptions { NodeIdleTimeout = TimeSpan.FromSeconds(30), DialBackTimeout = TimeSpan.FromMinutes(1), BackupInterval = Timeout.InfiniteTimeSpan },
                backend, PlacementFactory.Create("rendezvous"), name => CodecFactory.Create(name));
            proxy.Start();
            var client = TierHarness.NewClient(proxy, CodecFactory.Create(codec), requestTimeout: TimeSpan.FromMinutes(2));
            return new AzureTier { Apps = apps, Backend = backend, Proxy = proxy, Client = client };
        }

        public async ValueTask DisposeAsync()
        {
            await Client.DisposeAsync();
            await Proxy.DisposeAsync();
            Backend.Dispose();
            await Apps.DisposeAsync();
        }
    }

    [Fact]
    public async Task Objects_of_a_few_MiB_round_trip_and_survive_r_reclaimed_instances()
    {
        await using var tier = await AzureTier.StartAsync();
        var values = new Dictionary<string, byte[]>();
        for (int i = 0; i < 3; i++)
        {
            values[$"object-{i}"] = TierHarness.RandomBytes((3 + i) * 1024 * 1024 + i, i);
            await tier.Client.PutAsync($"object-{i}", values[$"object-{i}"]).AsTask().WaitAsync(ProxyPlayer.Patience);
        }
        foreach (var (key, value) in values)
            using (var read = await tier.Client.GetAsync(key).AsTask().WaitAsync(ProxyPlayer.Patience))
                Assert.Equal(value, read!.ToArray());
        // Every node ran in its own app's instance, and nothing was refused for its key.
        Assert.Equal(6, tier.Apps.InstancesCreated);
        Assert.Equal(0, tier.Apps.Unauthorized);
        Assert.All(tier.Backend.Functions, f => Assert.NotNull(tier.Apps.InstanceOf(f)));

        // r = 2 instances reclaimed: their chunks are gone, every object is still served byte for byte from the other four.
        var entry = tier.Proxy.Lookup("object-0")!;
        var reclaimed = entry.Nodes.Take(2).ToArray();
        var before = reclaimed.Select(n => tier.Apps.InstanceOf(n)!.Settings.InstanceId).ToArray();
        foreach (string node in reclaimed) Assert.True(tier.Apps.Reclaim(node));
        foreach (var (key, value) in values)
            using (var read = await tier.Client.GetAsync(key).AsTask().WaitAsync(ProxyPlayer.Patience))
                Assert.Equal(value, read!.ToArray());

        // The proxy saw new instances on dial-back and rebuilt the lost chunks (two per object) on them.
        using (var patience = new CancellationTokenSource(ProxyPlayer.Patience))
            while (tier.Proxy.Counters[ProxyCounters.Repairs] < 6)
                await Task.Delay(50, patience.Token).ContinueWith(t => Assert.False(t.IsCanceled,
                    "repairs did not finish: " + string.Join(", ", tier.Proxy.Counters.Snapshot().OrderBy(p => p.Key).Select(p => $"{p.Key}={p.Value}"))));
        Assert.Equal(6, tier.Proxy.Counters[ProxyCounters.ChunksLost]);
        for (int i = 0; i < 2; i++)
        {
            var fresh = tier.Apps.InstanceOf(reclaimed[i]);
            Assert.NotNull(fresh);
            Assert.NotEqual(before[i], fresh.Settings.InstanceId);
            Assert.Equal(3, fresh.Nodes[reclaimed[i]].Store!.Count);   // one chunk of each object, rebuilt
        }
        Assert.Equal(8, tier.Apps.InstancesCreated);

        // r + 1 = 3 more reclaimed at once: the object is gone, and the tier says so cleanly.
        foreach (string node in entry.Nodes.Skip(2).Take(3)) Assert.True(tier.Apps.Reclaim(node));
        Assert.Null(await tier.Client.GetAsync("object-0").AsTask().WaitAsync(ProxyPlayer.Patience));
        Assert.Null(tier.Proxy.Lookup("object-0"));
    }

    [Fact]
    public async Task A_wrong_key_fails_the_activation_with_a_clear_401()
    {
        var apps = await FunctionAppsEndpoint.StartAsync(Key, app => NodeFunctionTests.Settings(app));
        await using (apps)
        {
            using var backend = new AzureFunctionsBackend(new AzureFunctionsOptions { BaseUrl = apps.BaseUrl, FunctionCount = 1, FunctionKey = "not-the-key" });
            var payload = new Nodes.NodeInvocation { ProxyHost = "127.0.0.1", ProxyPort = ProxyPlayer.ClosedPort(), NodeId = "tiered-node-000", Token = [1] }.ToJson();

            var e = await Assert.ThrowsAsync<AzureFunctionsException>(() => backend.InvokeAsync(new FunctionInvocation("tiered-node-000", payload)));

            Assert.Equal(401, e.StatusCode);
            Assert.Equal(1, apps.Unauthorized);
            Assert.Equal(0, apps.InstancesCreated);   // the platform refused it before any function ran
        }
    }

    [Fact]
    public async Task A_bad_payload_through_the_backend_is_a_function_error_result_and_the_instance_keeps_serving()
    {
        var apps = await FunctionAppsEndpoint.StartAsync(Key, app => NodeFunctionTests.Settings("instance-x"));
        await using (apps)
        {
            using var backend = new AzureFunctionsBackend(new AzureFunctionsOptions { BaseUrl = apps.BaseUrl, FunctionCount = 1, FunctionKey = Key });

            var bad = await backend.InvokeAsync(new FunctionInvocation("tiered-node-000", "nope"u8.ToArray()));
            Assert.False(bad.Succeeded);
            Assert.StartsWith("ArgumentException: The node invocation payload is not valid JSON", bad.Error);
            Assert.Equal("instance-x", bad.InstanceId);
            Assert.True(bad.ColdStart);

            var payload = new Nodes.NodeInvocation { ProxyHost = "127.0.0.1", ProxyPort = ProxyPlayer.ClosedPort(), NodeId = "tiered-node-000", Token = [1] }.ToJson();
            var good = await backend.InvokeAsync(new FunctionInvocation("tiered-node-000", payload));
            Assert.True(good.Succeeded, good.Error);
            Assert.Equal("instance-x", good.InstanceId);
            Assert.False(good.ColdStart);
            Assert.Equal(TimeSpan.FromSeconds(1), good.BilledDuration);
            Assert.Equal(1, apps.InstancesCreated);
        }
    }
}
