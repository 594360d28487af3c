using Tiered.Functions;
using Xunit;

namespace Tiered.Providers.Local.Tests;

public sealed class ReclaimTests
{
    [Fact]
    public async Task Idle_instance_is_reclaimed_after_its_lifetime_and_the_next_invocation_starts_fresh()
    {
        var time = Fixture.Time();
        var handlers = new List<CounterHandler>();
        var reclaims = new List<LocalInstanceReclaim>();
        await using var platform = new LocalFunctionPlatform(Fixture.Options(o => o.IdleLifetime = TimeSpan.FromMinutes(10)),
            _ => { var h = new CounterHandler(); handlers.Add(h); return h; }, time);
        platform.InstanceReclaimed += (_, e) => reclaims.Add(e);

        var first = await platform.InvokeAsync(Fixture.Invocation()).Within();
        time.Advance(TimeSpan.FromMinutes(9));
        // An invocation (a warm-up) restarts the idle clock.
        var warmUp = await platform.InvokeAsync(Fixture.Invocation(kind: InvocationKind.WarmUp)).Within();
        Assert.False(warmUp.ColdStart);
        Assert.Equal(2, CounterHandler.Decode(warmUp.Response));
        time.Advance(TimeSpan.FromMinutes(9));
        Assert.Equal(1, platform.InstanceCount);
        Assert.Empty(reclaims);

        time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(0, platform.InstanceCount);
        var reclaim = Assert.Single(reclaims);
        Assert.Equal(LocalReclaimReason.Idle, reclaim.Reason);
        Assert.Equal(first.InstanceId, reclaim.InstanceId);
        Assert.Equal(LocalInstanceState.Idle, reclaim.StateAtReclaim);
        Assert.True(handlers[0].Disposed);

        var next = await platform.InvokeAsync(Fixture.Invocation()).Within();
        Assert.True(next.ColdStart);
        Assert.NotEqual(first.InstanceId, next.InstanceId);
        Assert.Equal(1, CounterHandler.Decode(next.Response)); // fresh memory
        Assert.Equal(1, platform.GetUsage().IdleReclaims);
        Assert.Equal(0, platform.GetUsage().InjectedReclaims);
    }

    [Fact]
    public async Task Idle_lifetime_can_come_from_a_sampler_and_infinite_keeps_instances()
    {
        var time = Fixture.Time();
        var seen = new List<LocalInstanceInfo>();
        await using var platform = new LocalFunctionPlatform(Fixture.Options(o => o.IdleLifetimeSampler = (info, random) =>
        {
            seen.Add(info);
            return info.FunctionName == Fixture.F0 ? TimeSpan.FromMinutes(5) : Timeout.InfiniteTimeSpan;
        }), _ => new CounterHandler(), time);

        await platform.InvokeAsync(Fixture.Invocation(Fixture.F0)).Within();
        await platform.InvokeAsync(Fixture.Invocation(Fixture.F1)).Within();
        Assert.Equal(2, seen.Count);
        Assert.All(seen, s => Assert.Equal(1, s.InvocationCount));

        time.Advance(TimeSpan.FromMinutes(5));
        Assert.Empty(platform.GetFunction(Fixture.F0).Instances);
        Assert.Single(platform.GetFunction(Fixture.F1).Instances);
        time.Advance(TimeSpan.FromDays(30));
        Assert.Single(platform.GetFunction(Fixture.F1).Instances);
    }

    [Fact]
    public async Task On_demand_reclaim_by_instance_function_and_at_random()
    {
        var time = Fixture.Time();
        var handlers = new List<CounterHandler>();
        await using var platform = new LocalFunctionPlatform(Fixture.Options(), _ => { var h = new CounterHandler(); handlers.Add(h); return h; }, time);
        var a = await platform.InvokeAsync(Fixture.Invocation(Fixture.F0)).Within();

        Assert.True(platform.ReclaimInstance(a.InstanceId));
        Assert.False(platform.ReclaimInstance(a.InstanceId));
        Assert.False(platform.ReclaimInstance("no-such-instance"));
        Assert.True(handlers[0].Disposed);
        Assert.Null(platform.GetInstance(a.InstanceId));

        // Two instances of F1 (concurrent), one of each other function.
        var gates = new List<GateHandler>();
        await using var gated = new LocalFunctionPlatform(Fixture.Options(), _ => { var h = new GateHandler(); gates.Add(h); return h; }, time);
        var running = new[] { gated.InvokeAsync(Fixture.Invocation(Fixture.F1)), gated.InvokeAsync(Fixture.Invocation(Fixture.F1)) };
        await Task.WhenAll(gates.Select(g => g.Started)).Within();
        foreach (var g in gates) g.Release();
        await Task.WhenAll(running).Within();
        foreach (var f in gated.Functions.Where(f => f != Fixture.F1))
        {
            var r = gated.InvokeAsync(Fixture.Invocation(f));
            await gates[^1].Started.Within();
            gates[^1].Release();
            await r.Within();
        }
        Assert.Equal(5, gated.InstanceCount);

        Assert.Equal(2, gated.ReclaimFunction(Fixture.F1));
        Assert.Equal(0, gated.ReclaimFunction(Fixture.F1));
        Assert.Equal(3, gated.InstanceCount);

        var picked = gated.ReclaimRandom(2, new Random(7));
        Assert.Equal(2, picked.Distinct().Count());
        Assert.Equal(1, gated.InstanceCount);
        Assert.Single(gated.ReclaimRandom(10, new Random(7)));
        Assert.Empty(gated.ReclaimRandom(1, new Random(7)));
        Assert.Equal(5, gated.GetUsage().InjectedReclaims);
        Assert.All(gates, g => Assert.True(g.Disposed));
    }

    [Fact]
    public async Task Rate_based_reclaim_follows_the_configured_rate_on_fake_time()
    {
        var time = Fixture.Time();
        await using var platform = new LocalFunctionPlatform(Fixture.Options(o =>
        {
            o.FunctionCount = 50;
            o.IdleLifetime = Timeout.InfiniteTimeSpan;
            o.ReclaimRatePerHour = 20;
            o.Seed = 42;
        }), _ => new CounterHandler(), time);
        foreach (var f in platform.Functions) await platform.InvokeAsync(Fixture.Invocation(f)).Within();
        Assert.Equal(50, platform.InstanceCount);

        for (var minute = 0; minute < 60; minute++) time.Advance(TimeSpan.FromMinutes(1));
        var reclaimed = 50 - platform.InstanceCount;
        Assert.Equal(reclaimed, platform.GetUsage().InjectedReclaims);
        Assert.InRange(reclaimed, 8, 35); // Poisson(20): far outside this is a broken rate

        // Same seed, same faults.
        var again = Fixture.Time();
        await using var twin = new LocalFunctionPlatform(Fixture.Options(o =>
        {
            o.FunctionCount = 50;
            o.IdleLifetime = Timeout.InfiniteTimeSpan;
            o.ReclaimRatePerHour = 20;
            o.Seed = 42;
        }), _ => new CounterHandler(), again);
        foreach (var f in twin.Functions) await twin.InvokeAsync(Fixture.Invocation(f)).Within();
        for (var minute = 0; minute < 60; minute++) again.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(
            platform.GetFunctions().SelectMany(f => f.Instances).Select(i => i.FunctionName),
            twin.GetFunctions().SelectMany(f => f.Instances).Select(i => i.FunctionName));
    }

    [Fact]
    public async Task Per_instance_hazard_reclaims_instances_over_time()
    {
        var time = Fixture.Time();
        await using var platform = new LocalFunctionPlatform(Fixture.Options(o =>
        {
            o.FunctionCount = 20;
            o.IdleLifetime = Timeout.InfiniteTimeSpan;
            o.InstanceReclaimHazardPerHour = 1;
        }), _ => new CounterHandler(), time);
        foreach (var f in platform.Functions) await platform.InvokeAsync(Fixture.Invocation(f)).Within();

        time.Advance(TimeSpan.FromMinutes(1));
        Assert.InRange(platform.InstanceCount, 15, 20);
        for (var hour = 0; hour < 48; hour++) time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(0, platform.InstanceCount);
        Assert.Equal(20, platform.GetUsage().InjectedReclaims);
    }

    [Fact]
    public async Task Reclaim_during_an_invocation_cancels_it_and_reports_the_error()
    {
        var time = Fixture.Time();
        var gate = new GateHandler();
        await using var platform = new LocalFunctionPlatform(Fixture.Options(), _ => gate, time);
        var running = platform.InvokeAsync(Fixture.Invocation());
        await gate.Started.Within();
        var id = Assert.Single(platform.GetFunction(Fixture.F0).Instances).InstanceId;
        time.Advance(TimeSpan.FromMilliseconds(3));

        Assert.True(platform.ReclaimInstance(id));
        var result = await running.Within();
        Assert.False(result.Succeeded);
        Assert.Contains("reclaimed", result.Error);
        Assert.Contains(id, result.Error);
        Assert.True(gate.SawCancellation);
        Assert.True(gate.Disposed);
        Assert.Equal(TimeSpan.FromMilliseconds(3), result.BilledDuration);
        Assert.Equal(0, platform.InstanceCount);
        Assert.Equal(0, platform.GetFunction(Fixture.F0).ActiveCount);
        Assert.Equal(1, platform.GetUsage().Failed);
    }

    [Fact]
    public async Task Reclaim_abandons_a_handler_that_ignores_its_token_and_frees_its_concurrency_slot()
    {
        var gate = new GateHandler(ignoreCancellation: true);
        var calls = 0;
        await using var platform = new LocalFunctionPlatform(Fixture.Options(o => o.MaxConcurrency = 1),
            _ => Interlocked.Increment(ref calls) == 1 ? gate : new CounterHandler(), Fixture.Time());
        var running = platform.InvokeAsync(Fixture.Invocation());
        await gate.Started.Within();
        Assert.Equal(1, platform.ReclaimFunction(Fixture.F0));
        var result = await running.Within();
        Assert.Contains("reclaimed", result.Error);

        // With a limit of 1, this is only possible because the reclaimed instance gave its slot back.
        var next = await platform.InvokeAsync(Fixture.Invocation()).Within();
        Assert.True(next.ColdStart);
        Assert.Null(next.Error);
        gate.Release();
    }

    [Fact]
    public async Task Reclaim_during_the_cold_start_fails_the_invocation_without_running_it()
    {
        var time = Fixture.Time();
        var created = 0;
        await using var platform = new LocalFunctionPlatform(Fixture.Options(o => o.ColdStartDelay = TimeSpan.FromSeconds(1)),
            _ => { created++; return new CounterHandler(); }, time);
        var running = platform.InvokeAsync(Fixture.Invocation());
        var starting = Assert.Single(platform.GetFunction(Fixture.F0).Instances);
        Assert.Equal(LocalInstanceState.Starting, starting.State);
        Assert.True(platform.ReclaimInstance(starting.InstanceId));
        var result = await running.Within();
        Assert.Contains("reclaimed", result.Error);
        Assert.True(result.ColdStart);
        Assert.Equal(TimeSpan.Zero, result.BilledDuration);
        Assert.Equal(0, created);
    }

    [Fact]
    public async Task Tiny_fault_rates_beyond_the_longest_timer_neither_throw_nor_fire_early()
    {
        // On the system clock a timer longer than ~49.7 days throws; the platform must cap and re-draw.
        await using (var real = new LocalFunctionPlatform(Fixture.Options(o =>
        {
            o.ReclaimRatePerHour = 1e-9;
            o.InstanceReclaimHazardPerHour = 1e-9;
            o.IdleLifetimeSampler = (_, _) => TimeSpan.FromDays(365);
        }), _ => new CounterHandler()))
        {
            Assert.Null((await real.InvokeAsync(Fixture.Invocation()).Within()).Error);
            Assert.Equal(1, real.InstanceCount);
        }

        var time = Fixture.Time();
        await using var platform = new LocalFunctionPlatform(Fixture.Options(o =>
        {
            o.IdleLifetime = Timeout.InfiniteTimeSpan;
            o.ReclaimRatePerHour = 1e-9;
            o.InstanceReclaimHazardPerHour = 1e-9;
        }), _ => new CounterHandler(), time);
        await platform.InvokeAsync(Fixture.Invocation()).Within();
        for (var i = 0; i < 4; i++) time.Advance(TimeSpan.FromDays(30));
        Assert.Equal(1, platform.InstanceCount);
    }
}
