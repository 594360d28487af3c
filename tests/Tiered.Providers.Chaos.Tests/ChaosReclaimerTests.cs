using Microsoft.Extensions.Time.Testing;
using Tiered.Functions;
using Tiered.Providers.Local;
using Xunit;

namespace Tiered.Chaos.Tests;

public class ChaosReclaimerTests
{
    [Fact]
    public async Task AScheduleAndAPeriodReclaimExactlyWhenTheClockPassesThem()
    {
        var time = new FakeTimeProvider();
        var control = new FakeInstanceControl(functions: 8);
        await using var reclaimer = new ChaosReclaimer(control, new ChaosReclaimerOptions
        {
            At = [TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(2)],
            Every = TimeSpan.FromMinutes(10),
            Seed = 1,
        }, time);
        var seen = new List<ChaosReclaim>();
        reclaimer.Reclaimed += (_, r) => seen.Add(r);

        time.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal(0, reclaimer.ReclaimCount);
        time.Advance(TimeSpan.FromMinutes(30) - TimeSpan.FromSeconds(59));

        Assert.Equal(6, reclaimer.ReclaimCount);
        Assert.Equal(6, control.Reclaimed.Count);
        Assert.Equal(
            [ChaosTrigger.Schedule, ChaosTrigger.Schedule, ChaosTrigger.Schedule, ChaosTrigger.Periodic, ChaosTrigger.Periodic, ChaosTrigger.Periodic],
            seen.Select(r => r.Trigger));
        var start = reclaimer.StartedAt;
        Assert.Equal([1, 2, 5, 10, 20, 30], seen.Select(r => (int)(r.At - start).TotalMinutes));
        Assert.Equal(control.Reclaimed, seen.Select(r => r.InstanceId));
    }

    [Fact]
    public async Task ARateIsAPoissonProcessThatASeedMakesRepeatable()
    {
        const double perHour = 60;
        var (count, ids) = await RunAsync(seed: 42);
        var (again, sameIds) = await RunAsync(seed: 42);
        var (_, otherIds) = await RunAsync(seed: 43);

        Assert.Equal(count, again);
        Assert.Equal(ids, sameIds);
        Assert.NotEqual(ids, otherIds);
        // 10 hours at 60/h: 600 expected, σ ≈ 24.5; five σ either side.
        Assert.InRange(count, perHour * 10 - 5 * 24.5, perHour * 10 + 5 * 24.5);

        static async Task<(long Count, List<string> Ids)> RunAsync(int seed)
        {
            var time = new FakeTimeProvider();
            var control = new FakeInstanceControl(functions: 12);
            await using var reclaimer = new ChaosReclaimer(control, new ChaosReclaimerOptions { RatePerHour = perHour, Seed = seed }, time);
            for (int step = 0; step < 10; step++) time.Advance(TimeSpan.FromHours(1));
            Assert.Equal(reclaimer.ReclaimCount, control.Reclaimed.Count);
            return (reclaimer.ReclaimCount, control.Reclaimed);
        }
    }

    [Fact]
    public async Task OneBigClockStepFiresTheSameEventsAsManySmallOnes()
    {
        var bigTime = new FakeTimeProvider();
        var big = new FakeInstanceControl(functions: 5);
        await using (new ChaosReclaimer(big, new ChaosReclaimerOptions { RatePerHour = 120, Every = TimeSpan.FromMinutes(7), Seed = 3 }, bigTime))
            bigTime.Advance(TimeSpan.FromHours(2));

        var smallTime = new FakeTimeProvider();
        var small = new FakeInstanceControl(functions: 5);
        await using (new ChaosReclaimer(small, new ChaosReclaimerOptions { RatePerHour = 120, Every = TimeSpan.FromMinutes(7), Seed = 3 }, smallTime))
            for (int s = 0; s < 120; s++) smallTime.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal(big.Reclaimed, small.Reclaimed);
    }

    [Fact]
    public async Task PicksOnlyAmongTheChosenFunctionsAndIdleInstances()
    {
        // Functions fn-00 … fn-05, three instances each; every other instance is busy.
        var control = new FakeInstanceControl(functions: 6, instancesPerFunction: 3, busy: i => i % 2 == 1);
        var before = control.GetInstances();
        await using var reclaimer = new ChaosReclaimer(control, new ChaosReclaimerOptions { Functions = ["fn-01", "fn-04"], IdleOnly = true, Seed = 5 });

        var done = reclaimer.ReclaimNow(100);

        var eligible = before.Where(i => (i.FunctionName is "fn-01" or "fn-04") && !i.Busy).Select(i => i.InstanceId).Order().ToArray();
        Assert.Equal(eligible, done.Select(r => r.InstanceId).Order());
        Assert.All(done, r => Assert.Equal(ChaosTrigger.Manual, r.Trigger));
        Assert.Equal(done.Count, reclaimer.ReclaimCount);
    }

    [Fact]
    public async Task ReclaimsInstancesOfTheLocalPlatformAndCountsThemInTheChaosMeter()
    {
        using var meters = new ScopedMeterFactory();
        var faults = new Dictionary<string, long>();
        using var listener = meters.Listen(faults);
        await using var platform = new LocalFunctionPlatform(
            new LocalFunctionOptions { FunctionCount = 6, ColdStartDelay = TimeSpan.Zero, IdleLifetime = Timeout.InfiniteTimeSpan },
            _ => new EchoHandler());
        foreach (string function in platform.Functions)
            Assert.True((await platform.InvokeAsync(new FunctionInvocation(function, new byte[] { 1 }))).Succeeded);
        Assert.Equal(6, platform.InstanceCount);

        var time = new FakeTimeProvider();
        await using var reclaimer = new ChaosReclaimer(platform, new ChaosReclaimerOptions { Every = TimeSpan.FromMinutes(1), Seed = 8 }, time, meterFactory: meters);
        time.Advance(TimeSpan.FromMinutes(3));

        Assert.Equal(3, reclaimer.ReclaimCount);
        Assert.Equal(3, platform.InstanceCount);
        Assert.Equal(3, platform.GetUsage().InjectedReclaims);
        lock (faults) Assert.Equal(3, faults.GetValueOrDefault(ChaosFaultKinds.Reclaim));

        // With nothing left to pick, a reclaim is a miss, not an error.
        await using var empty = new ChaosReclaimer(platform, new ChaosReclaimerOptions { Functions = ["no-such-function"] });
        Assert.Empty(empty.ReclaimNow(2));
        Assert.Equal(1, empty.MissedCount);
    }

    [Fact]
    public async Task DisposingStopsTheSchedule()
    {
        var time = new FakeTimeProvider();
        var control = new FakeInstanceControl(functions: 3);
        var reclaimer = new ChaosReclaimer(control, new ChaosReclaimerOptions { Every = TimeSpan.FromMinutes(1) }, time);
        time.Advance(TimeSpan.FromMinutes(2));
        await reclaimer.DisposeAsync();
        time.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(2, control.Reclaimed.Count);
        Assert.Throws<ObjectDisposedException>(() => reclaimer.ReclaimNow());
    }

    [Fact]
    public void BadOptionsAreRefusedByName()
    {
        var control = new FakeInstanceControl(1);
        Assert.Contains("RatePerHour", Assert.ThrowsAny<ArgumentException>(() => new ChaosReclaimer(control, new ChaosReclaimerOptions { RatePerHour = -1 })).Message);
        Assert.Contains("Every", Assert.ThrowsAny<ArgumentException>(() => new ChaosReclaimer(control, new ChaosReclaimerOptions { Every = TimeSpan.Zero })).Message);
        Assert.Contains("InstancesPerEvent", Assert.ThrowsAny<ArgumentException>(() => new ChaosReclaimer(control, new ChaosReclaimerOptions { InstancesPerEvent = 0 })).Message);
    }

    private sealed class EchoHandler : IFunctionHandler
    {
        public Task<ReadOnlyMemory<byte>> HandleAsync(ReadOnlyMemory<byte> payload, FunctionContext context, CancellationToken cancellationToken) => Task.FromResult(payload);
    }
}
