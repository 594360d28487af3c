using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Tiered.Functions;
using Xunit;

namespace Tiered.Providers.Local.Tests;

public sealed class MeteringTests
{
    [Fact]
    public async Task Billing_rounds_up_to_the_millisecond_and_computes_gb_seconds()
    {
        var time = Fixture.Time();
        var handler = new DelayHandler(time, TimeSpan.FromMilliseconds(1.2));
        await using var platform = new LocalFunctionPlatform(Fixture.Options(), _ => handler, time);

        var running = platform.InvokeAsync(Fixture.Invocation());
        await handler.Started.Within();
        time.Advance(TimeSpan.FromMilliseconds(1.2));
        var result = await running.Within();

        Assert.Null(result.Error);
        Assert.Equal(TimeSpan.FromMilliseconds(1.2), result.Duration);
        Assert.Equal(TimeSpan.FromMilliseconds(2), result.BilledDuration);
        Assert.Equal(1536L * 1024 * 1024, result.MemoryBytes);
        Assert.Equal(1.5 * 0.002, result.BilledGbSeconds, 12);

        var usage = platform.GetUsage();
        Assert.Equal(TimeSpan.FromMilliseconds(2), usage.BilledDuration);
        Assert.Equal(0.003, usage.BilledGbSeconds, 12);
        Assert.Equal(0.003, usage.BilledGbSecondsByKind[InvocationKind.Serve], 12);
        Assert.Equal(0, usage.BilledGbSecondsByKind[InvocationKind.Backup]);
    }

    [Theory]
    [InlineData(0.0, 1, 1.0)]       // an instant invocation still bills one unit
    [InlineData(1.0, 1, 1.0)]       // exact multiples are not rounded up
    [InlineData(1.0001, 1, 2.0)]
    [InlineData(1.2, 100, 100.0)]   // coarser granularity (old Lambda: 100 ms)
    [InlineData(250.0, 100, 300.0)]
    public async Task Billed_duration_is_rounded_up_to_the_granularity(double runMs, int granularityMs, double billedMs)
    {
        var time = Fixture.Time();
        var handler = new DelayHandler(time, TimeSpan.FromMilliseconds(runMs));
        await using var platform = new LocalFunctionPlatform(Fixture.Options(o =>
        {
            o.BillingGranularity = TimeSpan.FromMilliseconds(granularityMs);
            o.MemoryMiB = 2048;
        }), _ => handler, time);
        var running = platform.InvokeAsync(Fixture.Invocation());
        await handler.Started.Within();
        time.Advance(TimeSpan.FromMilliseconds(runMs));
        var result = await running.Within();
        Assert.Equal(TimeSpan.FromMilliseconds(billedMs), result.BilledDuration);
        Assert.Equal(2.0 * billedMs / 1000, result.BilledGbSeconds, 12);
    }

    [Fact]
    public async Task Usage_and_events_count_invocations_by_kind_and_cold_starts()
    {
        var records = new List<LocalInvocationRecord>();
        await using var platform = new LocalFunctionPlatform(Fixture.Options(), _ => new CounterHandler(), Fixture.Time());
        platform.InvocationCompleted += (_, r) => records.Add(r);
        platform.InvocationCompleted += (_, _) => throw new InvalidOperationException("a broken subscriber is ignored");

        await platform.InvokeAsync(Fixture.Invocation(kind: InvocationKind.Serve)).Within();
        await platform.InvokeAsync(Fixture.Invocation(kind: InvocationKind.WarmUp)).Within();
        await platform.InvokeAsync(Fixture.Invocation(kind: InvocationKind.WarmUp)).Within();
        await platform.InvokeAsync(Fixture.Invocation(Fixture.F1, InvocationKind.Backup)).Within();

        var usage = platform.GetUsage();
        Assert.Equal(4, usage.Invocations);
        Assert.Equal(2, usage.ColdStarts);
        Assert.Equal(1, usage.InvocationsByKind[InvocationKind.Serve]);
        Assert.Equal(2, usage.InvocationsByKind[InvocationKind.WarmUp]);
        Assert.Equal(1, usage.InvocationsByKind[InvocationKind.Backup]);
        Assert.Equal(TimeSpan.FromMilliseconds(4), usage.BilledDuration);

        Assert.Equal(4, records.Count);
        Assert.Equal([InvocationKind.Serve, InvocationKind.WarmUp, InvocationKind.WarmUp, InvocationKind.Backup], records.Select(r => r.Kind));
        Assert.Equal(4, records.Select(r => r.InvocationId).Distinct().Count());
        Assert.Equal(usage.BilledGbSeconds, records.Sum(r => r.BilledGbSeconds), 12);
        Assert.Equal(Fixture.F1, records[3].FunctionName);
    }

    [Fact]
    public async Task Metrics_are_published_on_the_meter()
    {
        using var meters = new TestMeterFactory();
        using var invocations = new MetricCollector<long>(meters, LocalPlatformMetricNames.MeterName, LocalPlatformMetricNames.Invocations);
        using var coldStarts = new MetricCollector<long>(meters, LocalPlatformMetricNames.MeterName, LocalPlatformMetricNames.ColdStarts);
        using var reclaims = new MetricCollector<long>(meters, LocalPlatformMetricNames.MeterName, LocalPlatformMetricNames.Reclaims);
        using var throttles = new MetricCollector<long>(meters, LocalPlatformMetricNames.MeterName, LocalPlatformMetricNames.Throttles);
        using var billed = new MetricCollector<double>(meters, LocalPlatformMetricNames.MeterName, LocalPlatformMetricNames.BilledDuration);
        using var gbSeconds = new MetricCollector<double>(meters, LocalPlatformMetricNames.MeterName, LocalPlatformMetricNames.BilledGbSeconds);
        using var instances = new MetricCollector<long>(meters, LocalPlatformMetricNames.MeterName, LocalPlatformMetricNames.Instances);

        var gate = new GateHandler();
        await using var platform = new LocalFunctionPlatform(Fixture.Options(o => o.MaxConcurrency = 1), _ => gate, Fixture.Time(), meterFactory: meters);
        var running = platform.InvokeAsync(Fixture.Invocation(kind: InvocationKind.Backup));
        await gate.Started.Within();
        await Assert.ThrowsAsync<FunctionThrottledException>(() => platform.InvokeAsync(Fixture.Invocation()));
        instances.RecordObservableInstruments();
        Assert.Contains(instances.GetMeasurementSnapshot(), m => m.Value == 1 && m.Tags[LocalPlatformMetricNames.StateTag] is "busy");
        gate.Release();
        var result = await running.Within();
        platform.ReclaimInstance(result.InstanceId);

        var invocation = Assert.Single(invocations.GetMeasurementSnapshot());
        Assert.Equal(1, invocation.Value);
        Assert.Equal(Fixture.F0, invocation.Tags[LocalPlatformMetricNames.FunctionTag]);
        Assert.Equal("backup", invocation.Tags[LocalPlatformMetricNames.KindTag]);
        Assert.Equal(true, invocation.Tags[LocalPlatformMetricNames.ColdStartTag]);
        Assert.Equal("success", invocation.Tags[LocalPlatformMetricNames.OutcomeTag]);
        Assert.Equal(1, coldStarts.GetMeasurementSnapshot().Sum(m => m.Value));
        Assert.Equal(1, throttles.GetMeasurementSnapshot().Sum(m => m.Value));
        Assert.Equal(0.001, Assert.Single(billed.GetMeasurementSnapshot()).Value, 12);
        Assert.Equal(result.BilledGbSeconds, Assert.Single(gbSeconds.GetMeasurementSnapshot()).Value, 12);
        var reclaim = Assert.Single(reclaims.GetMeasurementSnapshot());
        Assert.Equal("injected", reclaim.Tags[LocalPlatformMetricNames.ReasonTag]);
        Assert.Equal(LocalPlatformMetricNames.MeterName, platform.Meter.Name);
    }
}
