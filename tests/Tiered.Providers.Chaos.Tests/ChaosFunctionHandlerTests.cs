using Microsoft.Extensions.Time.Testing;
using Tiered.Functions;
using Xunit;

namespace Tiered.Chaos.Tests;

public class ChaosFunctionHandlerTests
{
    [Fact]
    public async Task ASlowStartWaitsOnTheClockOnlyForTheColdStart()
    {
        var time = new FakeTimeProvider();
        var inner = new CountingHandler();
        await using var handler = new ChaosFunctionHandler(inner, new ChaosHandlerOptions { StartDelay = TimeSpan.FromSeconds(3), ColdStartOnly = true }, time);

        var first = handler.HandleAsync(new byte[] { 1 }, Context(time), CancellationToken.None);
        Assert.False(await Wait.Briefly(() => first.IsCompleted, 100));
        Assert.Equal(0, inner.Calls);
        time.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal(new byte[] { 1 }, (await first).ToArray());

        // Warm: no delay.
        Assert.Equal(new byte[] { 2 }, (await handler.HandleAsync(new byte[] { 2 }, Context(time), CancellationToken.None)).ToArray());
        Assert.Equal(2, inner.Calls);
        Assert.Equal(1, handler.SlowStarts);
        Assert.Equal("fn", handler.FunctionName);
        Assert.Equal("fn/000001", handler.InstanceId);
    }

    [Fact]
    public async Task ASlowStartEndsWhenThePlatformCancelsTheInvocation()
    {
        var time = new FakeTimeProvider();
        await using var handler = new ChaosFunctionHandler(new CountingHandler(), new ChaosHandlerOptions { StartDelay = TimeSpan.FromHours(1) }, time);
        using var reclaim = new CancellationTokenSource();
        var pending = handler.HandleAsync(new byte[] { 1 }, Context(time), reclaim.Token);
        reclaim.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending);
    }

    [Fact]
    public async Task TheRegistryTracksWrappedHandlersUntilThePlatformDisposesThem()
    {
        var time = new FakeTimeProvider();
        using var registry = new ChaosNodeRegistry(timeProvider: time);
        var factory = registry.WrapFactory<string>(_ => new CountingHandler());
        var a = (ChaosFunctionHandler)factory("a");
        var b = ChaosFunctionHandler.Wrap(new CountingHandler(), registry);
        await a.HandleAsync(default, Context(time, "fn-a", "fn-a/1"), CancellationToken.None);
        await b.HandleAsync(default, Context(time, "fn-b", "fn-b/1"), CancellationToken.None);

        Assert.Equal([a, b], registry.Handlers);
        Assert.Same(b, registry.HandlerOf("fn-b/1"));
        Assert.Equal([a], registry.HandlersOf("fn-a"));

        // Options set on the registry reach live handlers.
        registry.HandlerOptions = new ChaosHandlerOptions { StartDelay = TimeSpan.FromSeconds(1) };
        Assert.Equal(TimeSpan.FromSeconds(1), a.Options.StartDelay);

        var inner = (CountingHandler)a.Inner;
        await a.DisposeAsync();
        Assert.True(inner.Disposed);
        Assert.Equal([b], registry.Handlers);
        Assert.Equal(2, registry.WrappedCount);
        Assert.Empty(registry.Stores); // not FunctionNodes: nothing to corrupt
    }

    private static FunctionContext Context(TimeProvider time, string function = "fn", string instance = "fn/000001") =>
        new(function, instance, Guid.NewGuid().ToString("N"), time.GetUtcNow() + TimeSpan.FromMinutes(15), 1 << 20);

    private sealed class CountingHandler : IFunctionHandler, IDisposable
    {
        private int _calls;
        public int Calls => Volatile.Read(ref _calls);
        public bool Disposed { get; private set; }

        public Task<ReadOnlyMemory<byte>> HandleAsync(ReadOnlyMemory<byte> payload, FunctionContext context, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            return Task.FromResult(payload);
        }

        public void Dispose() => Disposed = true;
    }
}
