using Tiered.Functions;
using Xunit;

namespace Tiered.Providers.Local.Tests;

public sealed class LifecycleTests
{
    [Fact]
    public async Task Disposal_cancels_running_invocations_disposes_handlers_and_is_idempotent()
    {
        var handlers = new List<GateHandler>();
        var platform = new LocalFunctionPlatform(Fixture.Options(), _ => { var h = new GateHandler(); handlers.Add(h); return h; }, Fixture.Time());
        var idle = platform.InvokeAsync(Fixture.Invocation(Fixture.F1));
        await handlers[0].Started.Within();
        handlers[0].Release();
        await idle.Within();
        var running = platform.InvokeAsync(Fixture.Invocation(Fixture.F0));
        await handlers[1].Started.Within();

        await platform.DisposeAsync().AsTask().Within();
        var result = await running.Within();
        Assert.Contains("disposed", result.Error);
        Assert.True(handlers[1].SawCancellation);
        Assert.All(handlers, h => Assert.True(h.Disposed));
        Assert.Equal(0, platform.InstanceCount);
        Assert.Equal(2, platform.GetUsage().Reclaims[LocalReclaimReason.PlatformDisposed]);

        await platform.DisposeAsync().AsTask().Within();
        platform.Dispose();
        Assert.Throws<ObjectDisposedException>(() => { _ = platform.InvokeAsync(Fixture.Invocation()); });
    }

    [Fact]
    public async Task Timeout_cancels_the_invocation_bills_the_timeout_and_resets_the_instance()
    {
        var time = Fixture.Time();
        var handlers = new List<GateHandler>();
        await using var platform = new LocalFunctionPlatform(Fixture.Options(o => o.Timeout = TimeSpan.FromSeconds(3)),
            _ => { var h = new GateHandler(); handlers.Add(h); return h; }, time);
        var running = platform.InvokeAsync(Fixture.Invocation());
        await handlers[0].Started.Within();
        time.Advance(TimeSpan.FromSeconds(2.5));
        Assert.False(running.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(0.5));
        var result = await running.Within();
        Assert.Equal("Task timed out after 3.00 seconds", result.Error);
        Assert.Equal(TimeSpan.FromSeconds(3), result.BilledDuration);
        Assert.True(handlers[0].SawCancellation);
        Assert.True(handlers[0].Disposed);
        Assert.Equal(1, platform.GetUsage().Reclaims[LocalReclaimReason.Timeout]);

        var next = platform.InvokeAsync(Fixture.Invocation());
        await handlers[1].Started.Within();
        handlers[1].Release();
        Assert.True((await next.Within()).ColdStart);
    }

    [Fact]
    public async Task Handler_sees_its_context_with_the_deadline()
    {
        var time = Fixture.Time();
        FunctionContext? seen = null;
        var handler = new LambdaHandler((payload, context, _) => { seen = context; return Task.FromResult(payload); });
        await using var platform = new LocalFunctionPlatform(Fixture.Options(o => o.MemoryMiB = 512), _ => handler, time);
        var result = await platform.InvokeAsync(Fixture.Invocation()).Within();
        Assert.NotNull(seen);
        Assert.Equal(Fixture.F0, seen.FunctionName);
        Assert.Equal(result.InstanceId, seen.InstanceId);
        Assert.Equal(time.GetUtcNow() + TimeSpan.FromMinutes(15), seen.Deadline);
        Assert.Equal(512L * 1024 * 1024, seen.MemoryBytes);
        Assert.Equal(new byte[] { 1, 2, 3 }, result.Response.ToArray());
    }

    [Fact]
    public async Task A_handler_exception_fails_the_invocation_but_keeps_the_instance_warm()
    {
        await using var platform = new LocalFunctionPlatform(Fixture.Options(), _ => new ThrowingHandler(), Fixture.Time());
        var first = await platform.InvokeAsync(Fixture.Invocation()).Within();
        Assert.Contains("InvalidOperationException: boom", first.Error);
        var second = await platform.InvokeAsync(Fixture.Invocation()).Within();
        Assert.False(second.ColdStart);
        Assert.Equal(first.InstanceId, second.InstanceId);
        Assert.Equal(2, platform.GetUsage().Failed);
    }

    [Fact]
    public async Task A_failing_handler_factory_is_an_init_error()
    {
        var calls = 0;
        await using var platform = new LocalFunctionPlatform(Fixture.Options(),
            _ => Interlocked.Increment(ref calls) == 1 ? throw new InvalidOperationException("no config") : new CounterHandler(), Fixture.Time());
        var failed = await platform.InvokeAsync(Fixture.Invocation()).Within();
        Assert.StartsWith("Runtime.InitError", failed.Error);
        Assert.Contains("no config", failed.Error);
        Assert.Equal(TimeSpan.Zero, failed.BilledDuration);
        Assert.Equal(0, platform.InstanceCount);
        Assert.Equal(1, platform.GetUsage().Reclaims[LocalReclaimReason.InitFailed]);
        Assert.Null((await platform.InvokeAsync(Fixture.Invocation()).Within()).Error);
    }

    [Fact]
    public async Task The_callers_token_stops_the_wait_not_the_invocation()
    {
        var gate = new GateHandler();
        var records = new List<LocalInvocationRecord>();
        await using var platform = new LocalFunctionPlatform(Fixture.Options(), _ => gate, Fixture.Time());
        platform.InvocationCompleted += (_, r) => { lock (records) records.Add(r); };
        using var cts = new CancellationTokenSource();
        var waiting = platform.InvokeAsync(Fixture.Invocation(), cts.Token);
        await gate.Started.Within();
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        Assert.False(gate.SawCancellation);
        Assert.Equal(LocalInstanceState.Busy, Assert.Single(platform.GetFunction(Fixture.F0).Instances).State);
        gate.Release();
        await Task.Run(async () => { while (platform.GetUsage().Invocations == 0) await Task.Yield(); }).Within();
        Assert.Null(Assert.Single(records).Result.Error);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => platform.InvokeAsync(Fixture.Invocation(), cts.Token));
    }

    [Fact]
    public async Task Many_threads_invoke_concurrently_without_sharing_an_instance()
    {
        var handlers = new System.Collections.Concurrent.ConcurrentBag<CounterHandler>();
        await using var platform = new LocalFunctionPlatform(Fixture.Options(o => o.FunctionCount = 8), _ =>
        {
            var h = new CounterHandler();
            handlers.Add(h);
            return h;
        }, Fixture.Time());
        const int threads = 16, perThread = 300;
        var failures = 0;
        await Task.WhenAll(Enumerable.Range(0, threads).Select(t => Task.Run(async () =>
        {
            for (var i = 0; i < perThread; i++)
            {
                var result = await platform.InvokeAsync(Fixture.Invocation(platform.Functions[(t + i) % 8]));
                if (!result.Succeeded) Interlocked.Increment(ref failures);
            }
        }))).Within();

        Assert.Equal(0, failures);
        Assert.Equal(threads * perThread, handlers.Sum(h => h.Count));
        Assert.DoesNotContain(handlers, h => h.Overlapped);
        var usage = platform.GetUsage();
        Assert.Equal(threads * perThread, usage.Invocations);
        Assert.Equal(handlers.Count, usage.ColdStarts);
        Assert.Equal(handlers.Count, platform.InstanceCount);
        Assert.All(platform.GetFunctions(), f => Assert.Equal(0, f.ActiveCount));
    }
}

internal sealed class LambdaHandler(Func<ReadOnlyMemory<byte>, FunctionContext, CancellationToken, Task<ReadOnlyMemory<byte>>> handle) : IFunctionHandler
{
    public Task<ReadOnlyMemory<byte>> HandleAsync(ReadOnlyMemory<byte> payload, FunctionContext context, CancellationToken cancellationToken)
        => handle(payload, context, cancellationToken);
}

public sealed class LoggingTests
{
    [Fact]
    public async Task Throttles_reclaims_and_failures_are_logged()
    {
        var logger = new Microsoft.Extensions.Logging.Testing.FakeLogger<LocalFunctionPlatform>();
        var gate = new GateHandler();
        await using var platform = new LocalFunctionPlatform(Fixture.Options(o => o.MaxConcurrency = 1), _ => gate, Fixture.Time(), logger);
        var running = platform.InvokeAsync(Fixture.Invocation());
        await gate.Started.Within();
        await Assert.ThrowsAsync<FunctionThrottledException>(() => platform.InvokeAsync(Fixture.Invocation()));
        platform.ReclaimFunction(Fixture.F0);
        await running.Within();

        var records = logger.Collector.GetSnapshot();
        Assert.Contains(records, r => r.Id.Id == 1 && r.Level == Microsoft.Extensions.Logging.LogLevel.Information);
        Assert.Contains(records, r => r.Id.Id == 3 && r.Message.Contains("tiered-node-000 throttled"));
        Assert.Contains(records, r => r.Id.Id == 4 && r.Message.Contains("(Injected) while Busy"));
        Assert.Contains(records, r => r.Id.Id == 6 && r.Message.Contains("reclaimed"));
    }
}
