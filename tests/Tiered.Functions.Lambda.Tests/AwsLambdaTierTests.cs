using Tiered.Client;
using Tiered.Codecs;
using Tiered.LambdaEmulator;
using Tiered.Placement;
using Tiered.Providers.AwsLambda;
using Tiered.Proxy;
using Xunit;

namespace Tiered.Functions.Lambda.Tests;

/// <summary>
/// The whole AWS path on one machine: a tier whose proxy invokes its nodes through the AwsLambda provider (SigV4-signed
/// Invoke API calls) against the Lambda emulator, which runs each instance as a real <c>bootstrap</c> child process on the
/// Runtime API; the nodes dial back to the proxy over loopback TCP.
/// </summary>
public sealed class AwsLambdaTierTests
{
    private const string Codec = "rs(4,2)";

    private sealed class AwsTier : IAsyncDisposable
    {
        public required LambdaEmulator.LambdaEmulator Emulator { get; init; }
        public required AwsLambdaFunctionBackend Backend { get; init; }
        public required TierProxy Proxy { get; init; }
        public required TierClient Client { get; init; }

        public static async Task<AwsTier> StartAsync(string? bootstrap = null)
        {
            var emulator = new LambdaEmulator.LambdaEmulator(new LambdaEmulatorOptions
            {
                FunctionCount = 6,
                MemoryMiB = 256,
                BootstrapPath = bootstrap ?? Functions.Bootstrap,
                ReservedConcurrency = 4,
                RequireSignature = true,
                InitTimeout = TimeSpan.FromMinutes(2),
            });
            await emulator.StartAsync().WaitAsync(Harness.Patience);
            var backend = new AwsLambdaFunctionBackend(new AwsLambdaOptions
            {
                Region = "us-east-1",
                ServiceUrl = emulator.Endpoint.ToString(),
                FunctionCount = 6,
                MemoryMiB = 256,
                AccessKeyId = "AKIDEXAMPLE",
                SecretAccessKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            });
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
            return new AwsTier { Emulator = emulator, Backend = backend, Proxy = proxy, Client = client };
        }

        public async ValueTask DisposeAsync()
        {
            await Client.DisposeAsync();
            await Proxy.DisposeAsync();
            Backend.Dispose();
            await Emulator.DisposeAsync();
        }
    }

    [Fact]
    public async Task ABackupPeerProcessTakesOverWhenThePrimaryProcessIsKilled()
    {
        await using var tier = await AwsTier.StartAsync();
        var value = RandomBytes(4 * 1024 * 1024, 42);
        await tier.Client.PutAsync("backed-up", value).AsTask().WaitAsync(Harness.Patience);
        var nodes = tier.Proxy.Lookup("backed-up")!.Nodes;

        // Three nodes (more than r = 2) get a backup peer: a second bootstrap process of the same function.
        foreach (string node in nodes.Take(3))
        {
            var backup = await tier.Proxy.BackupAsync(node).WaitAsync(Harness.Patience);
            Assert.True(backup.Succeeded, backup.Error);
            Assert.NotEqual(backup.PrimaryInstance, backup.PeerInstance);
            Assert.Equal(1, backup.ChunksSent);
            // Kill the primary's process; the peer's stays warm.
            Assert.True(tier.Emulator.ReclaimInstance(backup.PrimaryInstance));
        }

        using (var read = await tier.Client.GetAsync("backed-up").AsTask().WaitAsync(Harness.Patience))
            Assert.Equal(value, read!.ToArray());
        using (var patience = new CancellationTokenSource(Harness.Patience))
            while (tier.Proxy.Counters[ProxyCounters.Failovers] < 3)
                await Task.Delay(50, patience.Token);
        await tier.Proxy.DrainRepairsAsync().WaitAsync(Harness.Patience);
        Assert.Equal(0, tier.Proxy.Counters[ProxyCounters.ChunksLost]);
    }

    private static byte[] RandomBytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    [Fact]
    public async Task TenMebibyteObjectsSurviveRKilledInstancesAndRPlusOneIsACleanMiss()
    {
        await using var tier = await AwsTier.StartAsync();
        var values = new Dictionary<string, byte[]>();
        for (int i = 0; i < 3; i++)
        {
            values[$"object-{i}"] = RandomBytes(10 * 1024 * 1024, i);
            await tier.Client.PutAsync($"object-{i}", values[$"object-{i}"]).AsTask().WaitAsync(Harness.Patience);
        }
        foreach (var (key, value) in values)
            using (var read = await tier.Client.GetAsync(key).AsTask().WaitAsync(Harness.Patience))
                Assert.Equal(value, read!.ToArray());
        // Every node ran as its own bootstrap process.
        Assert.Equal(6, tier.Emulator.Instances.Select(i => i.FunctionName).Distinct().Count());

        // r = 2 instances killed mid-test: every object is still served, byte for byte, from the other four.
        var entry = tier.Proxy.Lookup("object-0")!;
        foreach (string node in entry.Nodes.Take(2)) Assert.Equal(1, tier.Emulator.ReclaimFunction(node));
        foreach (var (key, value) in values)
            using (var read = await tier.Client.GetAsync(key).AsTask().WaitAsync(Harness.Patience))
                Assert.Equal(value, read!.ToArray());
        // The killed instances' chunks (two per object) are rebuilt on their new instances.
        using (var patience = new CancellationTokenSource(Harness.Patience))
            while (tier.Proxy.Counters[ProxyCounters.Repairs] < 6)
                await Task.Delay(50, patience.Token).ContinueWith(t => Assert.False(t.IsCanceled,
                    "repairs did not finish: " + string.Join(", ", tier.Proxy.Counters.Snapshot().OrderBy(p => p.Key).Select(p => $"{p.Key}={p.Value}"))));
        Assert.Equal(6, tier.Proxy.Counters[ProxyCounters.ChunksLost]);

        // r + 1 = 3 more instances killed at once: the object is gone, and the tier says so cleanly.
        foreach (string node in entry.Nodes.Skip(2).Take(3)) Assert.Equal(1, tier.Emulator.ReclaimFunction(node));
        Assert.Null(await tier.Client.GetAsync("object-0").AsTask().WaitAsync(Harness.Patience));
        Assert.Null(tier.Proxy.Lookup("object-0"));
    }
}
