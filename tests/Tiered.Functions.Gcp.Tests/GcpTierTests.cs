using Tiered.Client;
using Tiered.Codecs;
using Tiered.Placement;
using Tiered.Providers.Gcp;
using Tiered.Proxy;

namespace Tiered.Functions.Gcp.Tests;

/// <summary>
/// The whole GCP path on one machine: a tier whose proxy invokes its nodes through the Cloud Run provider (a POST with a bearer
/// token per invocation) against real processes of the GCP function host, one per function, each listening on its own loopback
/// port as Cloud Run runs an instance on <c>$PORT</c>; the nodes dial back to the proxy over loopback TCP. Killing a process and
/// starting a new one on the same port is Cloud Run replacing an instance: the new one starts with empty memory.
/// </summary>
public sealed class GcpTierTests
{
    private const string Codec = "rs(4,2)";
    private const string Bearer = "local-test-bearer-0123456789";

    private sealed class GcpTier : IAsyncDisposable
    {
        public required Dictionary<string, HostProcess> Functions { get; init; }
        public required CloudRunFunctionBackend Backend { get; init; }
        public required TierProxy Proxy { get; init; }
        public required TierClient Client { get; init; }

        public static async Task<GcpTier> StartAsync(int functions = 6)
        {
            var processes = new Dictionary<string, HostProcess>(StringComparer.Ordinal);
            try
            {
                for (int i = 0; i < functions; i++)
                {
                    string name = $"tiered-node-{i:D3}";
                    processes[name] = await HostProcess.StartAsync(name, new Dictionary<string, string> { ["TIERED_REQUIRED_BEARER"] = Bearer });
                }
            }
            catch
            {
                foreach (var process in processes.Values) await process.DisposeAsync();
                throw;
            }
            var options = new CloudRunFunctionOptions
            {
                MemoryMiB = 256,
                Timeout = TimeSpan.FromMinutes(10),
                StaticIdToken = Bearer,
                MaxRetries = 5,
                RetryBaseDelay = TimeSpan.FromMilliseconds(200),
            };
            foreach (var (name, process) in processes) options.FunctionUrls[name] = process.Url.ToString();
            var backend = new CloudRunFunctionBackend(options);
            var proxy = new TierProxy(
                new TierProxyOptions { NodeIdleTimeout = TimeSpan.FromSeconds(30), DialBackTimeout = TimeSpan.FromMinutes(1), BackupInterval = Timeout.InfiniteTimeSpan },
                backend, PlacementFactory.Create("rendezvous"), name => CodecFactory.Create(name));
            proxy.Start();
            var client = new TierClient(new TierClientOptions
            {
                Proxies = [proxy.ClientEndPoint],
                RequestTimeout = TimeSpan.FromMinutes(2),
                CodecResolver = name => CodecFactory.Create(name),
            }, CodecFactory.Create(Codec));
            return new GcpTier { Functions = processes, Backend = backend, Proxy = proxy, Client = client };
        }

        public async ValueTask DisposeAsync()
        {
            await Client.DisposeAsync();
            await Proxy.DisposeAsync();
            Backend.Dispose();
            foreach (var process in Functions.Values) await process.DisposeAsync();
        }
    }

    private static byte[] RandomBytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static string Counters(TierProxy proxy) =>
        string.Join(", ", proxy.Counters.Snapshot().OrderBy(p => p.Key).Select(p => $"{p.Key}={p.Value}"));

    [Fact]
    public async Task TenMebibyteObjectsSurviveRKilledInstancesAndRPlusOneIsACleanMiss()
    {
        await using var tier = await GcpTier.StartAsync();
        var values = new Dictionary<string, byte[]>();
        for (int i = 0; i < 3; i++)
        {
            values[$"object-{i}"] = RandomBytes(10 * 1024 * 1024, i);
            await tier.Client.PutAsync($"object-{i}", values[$"object-{i}"]).AsTask().WaitAsync(Patience.Step);
        }
        foreach (var (key, value) in values)
            using (var read = await tier.Client.GetAsync(key).AsTask().WaitAsync(Patience.Step))
                Assert.Equal(value, read!.ToArray());

        // Every node ran in its own host process, which holds one chunk of each object in its memory.
        var entry = tier.Proxy.Lookup("object-0")!;
        Assert.Equal(6, entry.Nodes.Distinct().Count());
        foreach (var process in tier.Functions.Values)
        {
            var health = await process.HealthAsync();
            Assert.Equal(3, health.GetProperty("chunks").GetInt32());
            Assert.Equal(process.InstanceId, health.GetProperty("instanceId").GetString());
        }

        // r = 2 instances killed (their processes SIGKILLed, new instances started on the same ports, empty):
        // every object is still served, byte for byte, from the other four.
        var killed = entry.Nodes.Take(2).ToArray();
        foreach (string node in killed)
        {
            string before = tier.Functions[node].InstanceId;
            await tier.Functions[node].RestartAsync();
            Assert.NotEqual(before, tier.Functions[node].InstanceId);
        }
        foreach (var (key, value) in values)
            using (var read = await tier.Client.GetAsync(key).AsTask().WaitAsync(Patience.Step))
                Assert.Equal(value, read!.ToArray());

        // The killed instances' chunks (two per object) are rebuilt on their new instances.
        using (var patience = new CancellationTokenSource(Patience.Step))
            while (tier.Proxy.Counters[ProxyCounters.Repairs] < 6)
                await Task.Delay(50, patience.Token).ContinueWith(t => Assert.False(t.IsCanceled, "repairs did not finish: " + Counters(tier.Proxy)));
        Assert.Equal(6, tier.Proxy.Counters[ProxyCounters.ChunksLost]);
        foreach (var (key, value) in values)
            using (var read = await tier.Client.GetAsync(key).AsTask().WaitAsync(Patience.Step))
                Assert.Equal(value, read!.ToArray());

        // r + 1 = 3 more instances killed at once: the object is gone, and the tier says so cleanly.
        foreach (string node in entry.Nodes.Skip(2).Take(3)) await tier.Functions[node].RestartAsync();
        Assert.Null(await tier.Client.GetAsync("object-0").AsTask().WaitAsync(Patience.Step));
        Assert.Null(tier.Proxy.Lookup("object-0"));
    }

    [Fact]
    public async Task A_new_put_after_instances_were_replaced_is_served_from_the_new_instances()
    {
        await using var tier = await GcpTier.StartAsync();
        var first = RandomBytes(1024 * 1024, 7);
        await tier.Client.PutAsync("before", first).AsTask().WaitAsync(Patience.Step);

        // Replace every instance at once: everything cached is gone (more than r), a fresh PUT lands on the new instances.
        foreach (var process in tier.Functions.Values) await process.RestartAsync();
        Assert.Null(await tier.Client.GetAsync("before").AsTask().WaitAsync(Patience.Step));

        var second = RandomBytes(3 * 1024 * 1024 + 17, 8);
        await tier.Client.PutAsync("after", second).AsTask().WaitAsync(Patience.Step);
        using var read = await tier.Client.GetAsync("after").AsTask().WaitAsync(Patience.Step);
        Assert.Equal(second, read!.ToArray());
        Assert.All(tier.Functions.Values, p => Assert.Equal(2, p.Starts));
    }
}
