using Microsoft.Extensions.Time.Testing;
using Tiered.LambdaEmulator;

namespace Tiered.Functions.Lambda.Tests;

/// <summary>Disposal leaves no process behind; idle lifetimes and the reclaim rate run on the injected clock.</summary>
public sealed class LifecycleTests
{
    [Fact]
    public async Task Disposal_kills_every_child_process_busy_or_idle()
    {
        var harness = await Harness.EchoAsync(o => o.FunctionNames.Add("other"));
        using var gate = new Gate();
        var exits = new List<LambdaInstanceExit>();
        harness.Emulator.InstanceExited += (_, e) => { lock (exits) exits.Add(e); };

        (await harness.EchoAsync(new { action = "echo" }, function: "other")).Ok(); // idle
        var busy = harness.EchoAsync(gate.Payload);                                  // busy
        await RoutingTests.WaitUntilAsync(() => harness.Emulator.Instances.Count(i => i.State == LambdaInstanceState.Busy) == 1);
        int[] pids = harness.Emulator.Instances.Select(i => i.Pid).ToArray();
        Assert.Equal(2, pids.Length);

        await harness.Emulator.DisposeAsync().AsTask().WaitAsync(Harness.Patience);

        Assert.All(pids, pid => Assert.True(ProcessAssert.IsGone(pid), $"process {pid} outlived the emulator"));
        Assert.Equal(2, exits.Count);
        Assert.All(exits, e => Assert.Equal(LambdaInstanceExitReason.EmulatorDisposed, e.Reason));
        var error = (await busy.WaitAsync(Harness.Patience)).Unhandled(); // the running invocation failed rather than hung
        Assert.Equal("Runtime.ExitError", error.GetProperty("errorType").GetString());
        await harness.DisposeAsync(); // the client, and the emulator again: idempotent
    }

    [Fact]
    public async Task An_instance_idle_for_its_IdleLifetime_is_reclaimed()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var harness = await Harness.EchoAsync(o => o.IdleLifetime = TimeSpan.FromMinutes(5), time);
        (await harness.EchoAsync(new { action = "echo" })).Ok();
        var instance = Assert.Single(harness.Emulator.Instances);

        time.Advance(TimeSpan.FromMinutes(4));
        (await harness.EchoAsync(new { action = "echo" })).Ok(); // used again: the idle clock restarts
        time.Advance(TimeSpan.FromMinutes(4));
        Assert.Equal(instance.InstanceId, Assert.Single(harness.Emulator.Instances).InstanceId);

        time.Advance(TimeSpan.FromMinutes(2));
        var exit = await harness.Emulator.WaitForInstanceExitAsync(instance.InstanceId).WaitAsync(Harness.Patience);
        Assert.Equal(LambdaInstanceExitReason.IdleExpired, exit.Reason);
        Assert.Equal(2, exit.Invocations);
    }

    [Fact]
    public async Task The_reclaim_rate_kills_live_instances_as_the_clock_advances()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var harness = await Harness.EchoAsync(o => { o.ReclaimRatePerMinute = 2; o.Seed = 7; }, time);
        (await harness.EchoAsync(new { action = "echo" })).Ok();
        var instance = Assert.Single(harness.Emulator.Instances);

        for (int i = 0; i < 1000 && harness.Emulator.GetInstance(instance.InstanceId) is not null; i++) time.Advance(TimeSpan.FromMinutes(1));

        var exit = await harness.Emulator.WaitForInstanceExitAsync(instance.InstanceId).WaitAsync(Harness.Patience);
        Assert.Equal(LambdaInstanceExitReason.Reclaimed, exit.Reason);
    }

    [Fact]
    public async Task Endpoint_and_InvokeUrl_point_at_the_loopback_listener()
    {
        await using var harness = await Harness.EchoAsync();
        Assert.Equal("127.0.0.1", harness.Emulator.Endpoint.Host);
        Assert.NotEqual(0, harness.Emulator.Endpoint.Port);
        Assert.Equal(new Uri(harness.Emulator.Endpoint, "2015-03-31/functions/echo/invocations"), harness.Emulator.InvokeUrl("echo"));
        await Assert.ThrowsAsync<InvalidOperationException>(() => harness.Emulator.StartAsync());
        Assert.Throws<ArgumentException>(() => { _ = harness.Emulator.WaitForInstanceExitAsync("nope"); });
    }
}
