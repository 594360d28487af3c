using Microsoft.Extensions.Time.Testing;
using Tiered.Functions;
using Tiered.Nodes;
using Xunit;

namespace Tiered.Chaos.Tests;

public class ChaosFunctionBackendTests
{
    private static readonly string[] Functions = ["fn-a", "fn-b", "fn-c"];

    [Fact]
    public async Task AFailedInvocationThrowsLikeAPlatformErrorAndNeverReachesThePlatform()
    {
        var inner = new RecordingBackend(Functions);
        await using var backend = new ChaosFunctionBackend(inner);
        backend.FailInvocations("fn-b");

        var error = await Assert.ThrowsAsync<ChaosInvocationException>(() => backend.InvokeAsync(new FunctionInvocation("fn-b", Payload())));
        Assert.Equal("fn-b", error.FunctionName);
        Assert.True((await backend.InvokeAsync(new FunctionInvocation("fn-a", Payload()))).Succeeded);

        Assert.Equal(["fn-a"], inner.Invocations.Select(i => i.FunctionName));
        Assert.Equal(1, backend.Counts.FailedInvocations);
        backend.ClearFaults("fn-b");
        Assert.True((await backend.InvokeAsync(new FunctionInvocation("fn-b", Payload()))).Succeeded);
    }

    [Fact]
    public async Task InvocationLatencyWaitsOnTheBackendsClock()
    {
        var time = new FakeTimeProvider();
        var inner = new RecordingBackend(Functions);
        await using var backend = new ChaosFunctionBackend(inner, new ChaosBackendOptions { Rates = new ChaosFaultRates { InvocationLatency = TimeSpan.FromSeconds(2) } }, time);

        var pending = backend.InvokeAsync(new FunctionInvocation("fn-c", Payload()));
        Assert.False(await Wait.Briefly(() => pending.IsCompleted, 100));
        Assert.Empty(inner.Invocations);
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.True((await pending).Succeeded);
        Assert.Equal(1, backend.Counts.DelayedInvocations);
    }

    [Fact]
    public async Task RandomFailuresRepeatWithTheSeedAndStayInScope()
    {
        var first = await PatternAsync(seed: 11);
        var second = await PatternAsync(seed: 11);
        Assert.Equal(first, second);
        Assert.InRange(first.Count(failed => failed), 20, 80);   // p = 0.5 over 100 invocations of fn-a

        static async Task<List<bool>> PatternAsync(int seed)
        {
            var inner = new RecordingBackend(Functions);
            await using var backend = new ChaosFunctionBackend(inner, new ChaosBackendOptions
            {
                Seed = seed,
                Rates = new ChaosFaultRates { FailInvocationProbability = 0.5, Functions = ["fn-a"] },
            });
            var pattern = new List<bool>();
            for (int i = 0; i < 100; i++)
            {
                bool failed = false;
                try { await backend.InvokeAsync(new FunctionInvocation("fn-a", Payload())); }
                catch (ChaosInvocationException) { failed = true; }
                pattern.Add(failed);
                // Out of scope: never failed.
                Assert.True((await backend.InvokeAsync(new FunctionInvocation("fn-b", Payload()))).Succeeded);
            }
            return pattern;
        }
    }

    [Fact]
    public async Task ANodesDialBackIsPointedAtItsFunctionsRelayAndOtherPayloadsPassUntouched()
    {
        var inner = new RecordingBackend(Functions);
        await using var backend = new ChaosFunctionBackend(inner);
        var original = new NodeInvocation { ProxyHost = "127.0.0.1", ProxyPort = 45678, NodeId = "fn-a", Token = [1, 2, 3], IdleTimeout = TimeSpan.FromSeconds(3) };

        await backend.InvokeAsync(new FunctionInvocation("fn-a", original.ToJson(), InvocationKind.WarmUp));
        await backend.InvokeAsync(new FunctionInvocation("fn-a", original.ToJson()));
        byte[] opaque = [0xFF, 0x00, 0x42];
        await backend.InvokeAsync(new FunctionInvocation("fn-b", opaque));

        var relay = Assert.Single(backend.Relays);
        Assert.Equal("fn-a", relay.Name);
        Assert.Equal("127.0.0.1:45678", relay.Upstream.ToString());
        var sent = NodeInvocation.FromJson(inner.Invocations[0].Payload.Span);
        Assert.Equal(relay.EndPoint.Port, sent.ProxyPort);
        Assert.Equal("127.0.0.1", sent.ProxyHost);
        Assert.Equal(original with { ProxyPort = sent.ProxyPort }, sent with { Token = original.Token });
        Assert.Equal(original.Token, sent.Token);
        Assert.Equal(InvocationKind.WarmUp, inner.Invocations[0].Kind);
        Assert.Equal(opaque, inner.Invocations[2].Payload.ToArray());
        Assert.Equal(2, backend.Counts.RelayedInvocations);
    }

    [Fact]
    public async Task WithoutRelayingEverythingOnlyFunctionsWithNetworkFaultsAreRelayed()
    {
        var inner = new RecordingBackend(Functions);
        await using var backend = new ChaosFunctionBackend(inner, new ChaosBackendOptions { RelayAllDialBacks = false });
        var node = new NodeInvocation { ProxyHost = "127.0.0.1", ProxyPort = 40000, NodeId = "x", Token = [9] };

        await backend.InvokeAsync(new FunctionInvocation("fn-a", node.ToJson()));
        backend.MakeStraggler("fn-b", slowdown: 10);
        await backend.InvokeAsync(new FunctionInvocation("fn-b", node.ToJson()));

        Assert.Equal(40000, NodeInvocation.FromJson(inner.Invocations[0].Payload.Span).ProxyPort);
        Assert.NotEqual(40000, NodeInvocation.FromJson(inner.Invocations[1].Payload.Span).ProxyPort);
        var relay = Assert.Single(backend.Relays);
        Assert.Equal(backend.Options.ReferenceBytesPerSecond / 10, relay.Faults.ClientToUpstreamBytesPerSecond);
        Assert.Equal(backend.Options.ReferenceBytesPerSecond / 10, relay.Faults.UpstreamToClientBytesPerSecond);
    }

    [Fact]
    public async Task FaultsReachTheRelaysAtOnceAndClearFaultsRemovesThemAll()
    {
        var inner = new RecordingBackend(Functions);
        await using var backend = new ChaosFunctionBackend(inner, new ChaosBackendOptions { Rates = new ChaosFaultRates { DropDialBackProbability = 0.25 } });
        var node = new NodeInvocation { ProxyHost = "127.0.0.1", ProxyPort = 40001, NodeId = "x", Token = [9] };
        foreach (string function in Functions) await backend.InvokeAsync(new FunctionInvocation(function, node.ToJson()));
        Assert.All(backend.Relays, r => Assert.Equal(0.25, r.Faults.DropProbability));

        backend.DropDialBacks("fn-a");
        backend.StallDialBacks("fn-b", TimeSpan.FromSeconds(3));
        backend.DelayWrites("fn-c", TimeSpan.FromMilliseconds(5));
        backend.LimitBandwidth("fn-c", 1000);
        Assert.Equal(1, Single(backend, "fn-a").Faults.DropProbability);
        Assert.Equal((1.0, TimeSpan.FromSeconds(3)), (Single(backend, "fn-b").Faults.StallProbability, Single(backend, "fn-b").Faults.StallDuration));
        Assert.Equal(TimeSpan.FromMilliseconds(5), Single(backend, "fn-c").Faults.WriteLatency);
        Assert.Equal(1000, Single(backend, "fn-c").Faults.UpstreamToClientBytesPerSecond);
        Assert.Equal(new FunctionFaults { WriteLatency = TimeSpan.FromMilliseconds(5), NodeToProxyBytesPerSecond = 1000, ProxyToNodeBytesPerSecond = 1000 }, backend.GetFaults("fn-c"));

        backend.ClearFaults();
        Assert.All(backend.Relays, r => Assert.True(r.Faults.IsNone));
        Assert.Empty(backend.GetAllFaults());
        Assert.True(backend.Rates.IsNone);

        Assert.Throws<ArgumentException>(() => backend.MakeStraggler("not-a-function", 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => backend.MakeStraggler("fn-a", 0.5));

        static ChaosRelay Single(ChaosFunctionBackend backend, string function) => Assert.Single(backend.RelaysOf(function));
    }

    [Fact]
    public async Task CreateKeepsTheInnerBackendsInstanceControl()
    {
        await using var plain = ChaosFunctionBackend.Create(new RecordingBackend(Functions));
        Assert.IsNotAssignableFrom<IFunctionInstanceControl>(plain);

        await using var controllable = ChaosFunctionBackend.Create(new ControllableRecordingBackend(Functions));
        var control = Assert.IsAssignableFrom<IFunctionInstanceControl>(controllable);
        Assert.Equal(3, control.GetInstances().Count);
        Assert.True(control.Reclaim("fn-b/1"));
        Assert.Throws<ArgumentException>(() => new ChaosControllableFunctionBackend(new RecordingBackend(Functions)));
    }

    private static byte[] Payload() => new NodeInvocation { ProxyHost = "127.0.0.1", ProxyPort = 1, NodeId = "n", Token = [1] }.ToJson();
}
