using Tiered.Functions;
using Xunit;

namespace Tiered.Providers.Local.Tests;

public sealed class RoutingTests
{
    [Fact]
    public async Task Warm_instance_keeps_its_handler_state_between_invocations()
    {
        var handlers = new List<CounterHandler>();
        await using var platform = new LocalFunctionPlatform(Fixture.Options(), _ => { var h = new CounterHandler(); handlers.Add(h); return h; }, Fixture.Time());

        var results = new List<InvocationResult>();
        for (var i = 0; i < 3; i++) results.Add(await platform.InvokeAsync(Fixture.Invocation()).Within());

        Assert.All(results, r => Assert.Null(r.Error));
        Assert.Equal([1, 2, 3], results.Select(r => CounterHandler.Decode(r.Response)));
        Assert.Single(results.Select(r => r.InstanceId).Distinct());
        Assert.Equal([true, false, false], results.Select(r => r.ColdStart));
        Assert.Single(handlers);
        var instance = Assert.Single(platform.GetFunction(Fixture.F0).Instances);
        Assert.Equal(3, instance.InvocationCount);
        Assert.Equal(LocalInstanceState.Idle, instance.State);
    }

    [Fact]
    public async Task Functions_do_not_share_instances()
    {
        await using var platform = new LocalFunctionPlatform(Fixture.Options(), _ => new CounterHandler(), Fixture.Time());
        var a = await platform.InvokeAsync(Fixture.Invocation(Fixture.F0)).Within();
        var b = await platform.InvokeAsync(Fixture.Invocation(Fixture.F1)).Within();
        Assert.True(a.ColdStart);
        Assert.True(b.ColdStart);
        Assert.NotEqual(a.InstanceId, b.InstanceId);
        Assert.Equal(1, CounterHandler.Decode(b.Response));
    }

    [Fact]
    public async Task Busy_instances_make_new_ones_cold_start_up_to_the_concurrency_limit_then_throttle()
    {
        var handlers = new List<GateHandler>();
        await using var platform = new LocalFunctionPlatform(Fixture.Options(o => o.MaxConcurrency = 2), _ => { var h = new GateHandler(); lock (handlers) handlers.Add(h); return h; }, Fixture.Time());

        var first = platform.InvokeAsync(Fixture.Invocation());
        var second = platform.InvokeAsync(Fixture.Invocation());
        await Task.WhenAll(handlers.Select(h => h.Started)).Within();
        Assert.Equal(2, handlers.Count);

        var throttled = await Assert.ThrowsAsync<FunctionThrottledException>(() => platform.InvokeAsync(Fixture.Invocation()));
        Assert.Equal(Fixture.F0, throttled.FunctionName);
        Assert.Equal(2, throttled.ConcurrencyLimit);
        Assert.Contains("throttled", throttled.Message);
        Assert.Equal(2, platform.GetFunction(Fixture.F0).ActiveCount);

        // Another function has its own limit.
        var other = platform.InvokeAsync(Fixture.Invocation(Fixture.F1));
        await handlers[2].Started.Within();

        foreach (var h in handlers) h.Release();
        var results = await Task.WhenAll(first, second, other).Within();
        Assert.All(results, r => Assert.True(r.ColdStart));
        Assert.Equal(3, results.Select(r => r.InstanceId).Distinct().Count());

        // After they finish, the next invocation is warm.
        // Both of F0's instances are idle; the one whose invocation ended last (either, the releases race) takes it.
        var warm = platform.InvokeAsync(Fixture.Invocation());
        await Task.WhenAny(handlers[0].Started, handlers[1].Started).Within();
        handlers[0].Release();
        handlers[1].Release();
        Assert.False((await warm.Within()).ColdStart);

        var usage = platform.GetUsage();
        Assert.Equal(1, usage.Throttled);
        Assert.Equal(4, usage.Invocations);
        Assert.Equal(3, usage.ColdStarts);
    }

    [Fact]
    public async Task The_most_recently_used_idle_instance_takes_the_next_invocation()
    {
        var time = Fixture.Time();
        var handlers = new List<GateHandler>();
        await using var platform = new LocalFunctionPlatform(Fixture.Options(), _ => { var h = new GateHandler(); lock (handlers) handlers.Add(h); return h; }, time);

        var a = platform.InvokeAsync(Fixture.Invocation());
        var b = platform.InvokeAsync(Fixture.Invocation());
        await Task.WhenAll(handlers.Select(h => h.Started)).Within();

        // b's instance finishes first, then a's: a's instance is the most recently used.
        handlers[1].Release();
        var rb = await b.Within();
        time.Advance(TimeSpan.FromSeconds(1));
        handlers[0].Release();
        var ra = await a.Within();

        var next = platform.InvokeAsync(Fixture.Invocation());
        await handlers[0].Started.Within();
        handlers[0].Release();
        var rn = await next.Within();
        Assert.False(rn.ColdStart);
        Assert.Equal(ra.InstanceId, rn.InstanceId);
        Assert.NotEqual(rb.InstanceId, rn.InstanceId);

        // Without time passing, recency is still the order in which instances became idle.
        var instances = platform.GetFunction(Fixture.F0).Instances;
        Assert.All(instances, i => Assert.Equal(LocalInstanceState.Idle, i.State));
    }

    [Fact]
    public async Task Cold_start_waits_the_configured_delay_on_the_time_provider()
    {
        var time = Fixture.Time();
        var created = 0;
        await using var platform = new LocalFunctionPlatform(
            Fixture.Options(o => o.ColdStartDelay = TimeSpan.FromMilliseconds(100)),
            _ => { Interlocked.Increment(ref created); return new CounterHandler(); }, time);

        var invocation = platform.InvokeAsync(Fixture.Invocation());
        Assert.Equal(LocalInstanceState.Starting, Assert.Single(platform.GetFunction(Fixture.F0).Instances).State);
        time.Advance(TimeSpan.FromMilliseconds(99));
        Assert.False(invocation.IsCompleted);
        Assert.Equal(0, Volatile.Read(ref created));

        time.Advance(TimeSpan.FromMilliseconds(1));
        var result = await invocation.Within();
        Assert.True(result.ColdStart);
        Assert.Equal(1, created);
        Assert.Equal(TimeSpan.Zero, result.Duration); // the cold start is not part of the billed run
        Assert.Equal(TimeSpan.FromMilliseconds(1), result.BilledDuration);

        // A warm invocation does not wait at all.
        var warm = platform.InvokeAsync(Fixture.Invocation());
        Assert.False((await warm.Within()).ColdStart);
    }

    [Fact]
    public async Task Introspection_lists_functions_and_instances()
    {
        var time = Fixture.Time();
        var gate = new GateHandler();
        await using var platform = new LocalFunctionPlatform(Fixture.Options(o => o.FunctionNames = ["alpha", "beta"]), _ => gate, time);
        Assert.Equal(["alpha", "beta"], platform.Functions);
        Assert.Equal("local", platform.Name);

        var running = platform.InvokeAsync(new FunctionInvocation("beta", ReadOnlyMemory<byte>.Empty));
        await gate.Started.Within();
        var functions = platform.GetFunctions();
        Assert.Equal(["alpha", "beta"], functions.Select(f => f.Name));
        Assert.Empty(functions[0].Instances);
        var busy = Assert.Single(functions[1].Instances);
        Assert.Equal(LocalInstanceState.Busy, busy.State);
        Assert.Equal(time.GetUtcNow(), busy.CreatedAt);
        Assert.Null(busy.LastUsedAt);
        Assert.Equal(1, busy.InvocationCount);
        Assert.Equal(1, platform.InstanceCount);

        time.Advance(TimeSpan.FromSeconds(5));
        gate.Release();
        await running.Within();
        var idle = platform.GetInstance(busy.InstanceId);
        Assert.NotNull(idle);
        Assert.Equal(LocalInstanceState.Idle, idle.State);
        Assert.Equal(time.GetUtcNow(), idle.LastUsedAt);
    }

    [Fact]
    public async Task Generated_names_are_zero_padded_and_unknown_functions_are_refused()
    {
        await using var platform = new LocalFunctionPlatform(Fixture.Options(o => o.FunctionCount = 12), _ => new CounterHandler());
        Assert.Equal("tiered-node-000", platform.Functions[0]);
        Assert.Equal("tiered-node-011", platform.Functions[^1]);
        var ex = Assert.Throws<ArgumentException>(() => { _ = platform.InvokeAsync(Fixture.Invocation("nope")); });
        Assert.Contains("'nope' does not exist", ex.Message);
        Assert.Throws<ArgumentException>(() => platform.ReclaimFunction("nope"));
        Assert.Equal(1536L * 1024 * 1024, platform.Limits.MemoryBytes);
        Assert.Equal(TimeSpan.FromMinutes(15), platform.Limits.Timeout);
        Assert.Equal(1000, platform.Limits.MaxConcurrency);
        var many = new LocalFunctionOptions { FunctionCount = 1001 }.ResolveFunctionNames();
        Assert.Equal("tiered-node-0000", many[0]);
        Assert.Equal("tiered-node-1000", many[1000]);
    }
}
