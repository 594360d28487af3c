using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Tiered.Chaos.Tests;

public class ChaosPlanTests
{
    private const string Example = "reclaim:30/h,straggler:1x10,drop-dialback:0.02,stall-dialback:0.01@5s,fail-invocation:0.01,latency:20ms,corrupt:5/h";

    [Fact]
    public void TheExampleSpecParsesIntoEveryField()
    {
        var plan = ChaosPlan.Parse(Example);

        Assert.Equal(30, plan.ReclaimRatePerHour);
        Assert.Equal(1, plan.StragglerCount);
        Assert.Equal(10, plan.StragglerSlowdown);
        Assert.Equal(0.02, plan.DropDialBackProbability);
        Assert.Equal(0.01, plan.StallDialBackProbability);
        Assert.Equal(TimeSpan.FromSeconds(5), plan.StallDuration);
        Assert.Equal(0.01, plan.FailInvocationProbability);
        Assert.Equal(TimeSpan.FromMilliseconds(20), plan.InvocationLatency);
        Assert.Equal(1, plan.InvocationLatencyProbability);
        Assert.Equal(5, plan.CorruptRatePerHour);
        Assert.Equal(Example, plan.ToString());
    }

    [Theory]
    [InlineData(Example, Example)]
    [InlineData("", "none")]
    [InlineData("none", "none")]
    [InlineData(" corrupt:1/m , seed:42 ", "seed:42,corrupt:60/h")]
    [InlineData("reclaim:0.5/m,reclaim-every:90s,reclaim-at:10m+1m+1.5s,reclaim-idle", "reclaim:30/h,reclaim-every:90s,reclaim-at:1500ms+1m+10m,reclaim-idle")]
    [InlineData("straggler:2@10MB/s,reference-bandwidth:100MiB/s", "straggler:2@10MB/s,reference-bandwidth:100MiB/s")]
    [InlineData("straggler:3X2.5,write-latency:0.5ms", "straggler:3x2.5,write-latency:0.5ms")]
    [InlineData("drop-dialback:2%,stall-dialback:0.1", "drop-dialback:0.02,stall-dialback:0.1@5s")]
    [InlineData("latency:1h@0.25,slow-start:1@2s", "latency:1h@0.25,slow-start:1@2s")]
    [InlineData("reclaim:2/s,corrupt:48/d,seed:-3", "seed:-3,reclaim:7200/h,corrupt:2/h")]
    [InlineData("DROP-DIALBACK:0.5", "drop-dialback:0.5")]
    public void ParsingRoundTripsThroughTheCanonicalSpec(string spec, string canonical)
    {
        var plan = ChaosPlan.Parse(spec);
        Assert.Equal(canonical, plan.ToString());

        var again = ChaosPlan.Parse(plan.ToString());
        Assert.Equal(plan, again);
        Assert.Equal(plan.GetHashCode(), again.GetHashCode());
        Assert.Equal(canonical, again.ToString());
    }

    [Fact]
    public void ZeroValuedItemsAreNoChaos()
    {
        var plan = ChaosPlan.Parse("drop-dialback:0,reclaim:0/h");
        Assert.True(plan.IsEmpty);
        Assert.Equal(ChaosPlan.None, plan);
    }

    [Theory]
    [InlineData("reclam:30/h", "reclam:30/h", "not a fault")]
    [InlineData("reclaim:30/h,stragler:1x10", "stragler:1x10", "not a fault")]
    [InlineData("drop-dialback:2", "drop-dialback:2", "probability")]
    [InlineData("fail-invocation:lots", "fail-invocation:lots", "probability")]
    [InlineData("stall-dialback:0.1@5parsecs", "stall-dialback:0.1@5parsecs", "duration")]
    [InlineData("stall-dialback:0.1@0s", "stall-dialback:0.1@0s", "positive")]
    [InlineData("straggler:0x10", "straggler:0x10", "count")]
    [InlineData("straggler:1x0.5", "straggler:1x0.5", "slowdown")]
    [InlineData("straggler:1@fast", "straggler:1@fast", "bandwidth")]
    [InlineData("straggler:ten", "straggler:ten", "count")]
    [InlineData("reclaim:30", "reclaim:30", "rate")]
    [InlineData("reclaim-every:0s", "reclaim-every:0s", "positive")]
    [InlineData("reclaim-at:1m+", "reclaim-at:1m+", "duration")]
    [InlineData("latency", "latency", "needs a value")]
    [InlineData("latency:", "latency:", "needs a value")]
    [InlineData("reclaim-idle:yes", "reclaim-idle:yes", "takes no value")]
    [InlineData("seed:abc", "seed:abc", "whole number")]
    [InlineData("slow-start:0.5", "slow-start:0.5", "@")]
    [InlineData("latency:5ms,corrupt:1/h,latency:6ms", "latency:6ms", "repeats 'latency'")]
    [InlineData("reclaim:30/h,,corrupt:1/h", "", "empty item")]
    public void BadSpecsAreRejectedNamingTheItemAndListingTheValidOnes(string spec, string item, string reason)
    {
        var error = Assert.Throws<ChaosPlanException>(() => ChaosPlan.Parse(spec));

        Assert.Equal(item, error.Item);
        if (item.Length > 0) Assert.Contains($"'{item}'", error.Message);
        Assert.Contains(reason, error.Message);
        Assert.Contains("Valid items:", error.Message);
        foreach (string valid in ChaosPlan.ValidItems) Assert.Contains(valid, error.Message);
        Assert.IsAssignableFrom<FormatException>(error);

        Assert.False(ChaosPlan.TryParse(spec, out var plan, out string? message));
        Assert.Equal(error.Message, message);
        Assert.Same(ChaosPlan.None, plan);
    }

    [Fact]
    public void ThePlanBuildsTheOptionsOfEachDecorator()
    {
        var plan = ChaosPlan.Parse("seed:9,reclaim:30/h,reclaim-every:10m,reclaim-at:1m,reclaim-idle,drop-dialback:0.02,stall-dialback:0.01@3s,fail-invocation:0.01,latency:20ms@0.5,write-latency:1ms,corrupt:5/h,slow-start:0.1@2s,reference-bandwidth:10MiB/s");

        var backend = plan.ToBackendOptions();
        Assert.Equal(9, backend.Seed);
        Assert.Equal(10L << 20, backend.ReferenceBytesPerSecond);
        Assert.Equal(0.02, backend.Rates.DropDialBackProbability);
        Assert.Equal(0.01, backend.Rates.StallDialBackProbability);
        Assert.Equal(TimeSpan.FromSeconds(3), backend.Rates.StallDuration);
        Assert.Equal(0.01, backend.Rates.FailInvocationProbability);
        Assert.Equal(TimeSpan.FromMilliseconds(20), backend.Rates.InvocationLatency);
        Assert.Equal(0.5, backend.Rates.InvocationLatencyProbability);
        Assert.Equal(TimeSpan.FromMilliseconds(1), backend.Rates.WriteLatency);

        var reclaims = plan.ToReclaimerOptions()!;
        Assert.Equal(30, reclaims.RatePerHour);
        Assert.Equal(TimeSpan.FromMinutes(10), reclaims.Every);
        Assert.Equal([TimeSpan.FromMinutes(1)], reclaims.At);
        Assert.True(reclaims.IdleOnly);
        Assert.Equal(9, reclaims.Seed);

        Assert.Equal(5, plan.ToCorrupterOptions()!.RatePerHour);
        var handlers = plan.ToHandlerOptions();
        Assert.Equal(TimeSpan.FromSeconds(2), handlers.StartDelay);
        Assert.Equal(0.1, handlers.StartDelayProbability);
        Assert.True(handlers.ColdStartOnly);

        Assert.Null(ChaosPlan.None.ToReclaimerOptions());
        Assert.Null(ChaosPlan.None.ToCorrupterOptions());
        Assert.True(ChaosPlan.None.ToHandlerOptions().IsNone);
        Assert.True(ChaosPlan.None.ToBackendOptions().Rates.IsNone);
    }

    [Fact]
    public async Task ASessionWrapsTheBackendPicksStragglersWithTheSeedAndStartsTheSchedules()
    {
        var time = new FakeTimeProvider();
        var plan = ChaosPlan.Parse("seed:4,straggler:2x10,reclaim-every:1m");
        string[] functions = ["a", "b", "c", "d", "e", "f"];

        await using var session = plan.CreateSession(time);
        var backend = session.WrapBackend(new ControllableRecordingBackend(functions));
        Assert.IsAssignableFrom<Tiered.Functions.IFunctionInstanceControl>(backend);
        Assert.Equal(2, session.Stragglers.Count);
        foreach (string straggler in session.Stragglers)
            Assert.Equal(backend.Options.ReferenceBytesPerSecond / 10, backend.GetFaults(straggler).NodeToProxyBytesPerSecond);
        Assert.Equal(2, backend.GetAllFaults().Count);

        // The same seed picks the same stragglers.
        await using (var twin = plan.CreateSession(time))
        {
            twin.WrapBackend(new ControllableRecordingBackend(functions));
            Assert.Equal(session.Stragglers, twin.Stragglers);
        }

        session.Start();
        Assert.NotNull(session.Reclaimer);
        Assert.Null(session.Corrupter);
        time.Advance(TimeSpan.FromMinutes(3));
        Assert.Equal(3, session.Reclaimer!.ReclaimCount);

        Assert.Throws<InvalidOperationException>(() => session.WrapBackend(new RecordingBackend(functions)));
    }

    [Fact]
    public async Task ASessionExplainsWhatItCannotDo()
    {
        await using var session = ChaosPlan.Parse("straggler:3x10").CreateSession();
        var error = Assert.Throws<ArgumentException>(() => session.WrapBackend(new RecordingBackend("a", "b")));
        Assert.Contains("3 stragglers", error.Message);

        await using var reclaiming = ChaosPlan.Parse("reclaim:10/h").CreateSession();
        reclaiming.WrapBackend(new RecordingBackend("a", "b"));
        var noControl = Assert.Throws<InvalidOperationException>(() => reclaiming.Start());
        Assert.Contains("IFunctionInstanceControl", noControl.Message);
    }
}
