using Microsoft.Extensions.Options;
using Tiered.Functions;
using Xunit;

namespace Tiered.Providers.Local.Tests;

/// <summary>The reclaim model: idle lifetimes, instance lifetimes (recycling), the named models and their validation.</summary>
public sealed class ReclaimModelTests
{
    [Fact]
    public void The_aws_model_is_the_default_with_the_published_figures()
    {
        Assert.Same(LocalReclaimModel.Aws, LocalReclaimModel.Default);
        Assert.Equal("aws", LocalReclaimModel.Aws.Name);
        Assert.Equal(LocalLifetime.Fixed(TimeSpan.FromMinutes(10)), LocalReclaimModel.Aws.IdleLifetime);
        Assert.Equal(LocalLifetime.Uniform(TimeSpan.Zero, TimeSpan.FromHours(4)), LocalReclaimModel.Aws.InstanceLifetime);
        Assert.Equal(TimeSpan.FromHours(2), LocalReclaimModel.Aws.InstanceLifetime.Mean);
        Assert.Equal("idle:10m,lifetime:0-4h", LocalReclaimModel.Aws.Spec);
        Assert.Contains("mikhail.io", LocalReclaimModel.Aws.Source);
        Assert.Contains("theburningmonk.com", LocalReclaimModel.Aws.Source);
        Assert.Equal(LocalLifetime.Uniform(TimeSpan.FromMinutes(25), TimeSpan.FromMinutes(60)), LocalReclaimModel.AwsJune2019.IdleLifetime);
        Assert.True(LocalReclaimModel.None.IdleLifetime.IsNever);
        Assert.True(LocalReclaimModel.None.InstanceLifetime.IsNever);
        // A platform made without a model keeps its previous behaviour: no recycling.
        Assert.Null(new LocalFunctionOptions().ReclaimModel);
        Assert.Equal(Timeout.InfiniteTimeSpan, new LocalFunctionOptions().InstanceLifetime);
    }

    [Theory]
    [InlineData("aws", "aws")]
    [InlineData(" AWS ", "aws")]
    [InlineData("aws-june-2019", "aws-june-2019")]
    [InlineData("none", "none")]
    [InlineData("idle:10m,lifetime:0-4h", "aws")]
    [InlineData("lifetime:0h-4h, idle:600s", "aws")]
    [InlineData("idle:none,lifetime:none", "none")]
    [InlineData("idle:25-60m", "idle:25m-1h,lifetime:none")]
    [InlineData("lifetime:2h", "idle:none,lifetime:2h")]
    [InlineData("idle:90s,lifetime:1d", "idle:90s,lifetime:1d")]
    public void Models_parse_by_name_or_spec(string spec, string name)
    {
        var model = LocalReclaimModel.Parse(spec);
        Assert.Equal(name, model.Name);
        Assert.Equal(model, LocalReclaimModel.Parse(model.Spec) with { Name = model.Name, Source = model.Source });
    }

    [Theory]
    [InlineData("azure", "'azure' is not a reclaim model: expected aws, aws-june-2019, none, or idle:<lifetime>,lifetime:<lifetime>")]
    [InlineData("idle:0", "idle in reclaim model 'idle:0': an idle lifetime must be positive.")]
    [InlineData("idle:10m,idle:5m", "'idle' is given twice in reclaim model 'idle:10m,idle:5m'.")]
    [InlineData("lifetime:4h-1h", "lifetime in reclaim model 'lifetime:4h-1h': '4h-1h' is not a lifetime range: its lower bound exceeds its upper bound.")]
    [InlineData("lifetime:soon", "lifetime in reclaim model 'lifetime:soon': 'soon' is not a lifetime")]
    [InlineData("idle:10m,hosts:4h", "'hosts:4h' in reclaim model 'idle:10m,hosts:4h' is not an item")]
    public void Bad_models_are_refused_with_a_plain_message(string spec, string message)
    {
        Assert.False(LocalReclaimModel.TryParse(spec, out _, out string? error));
        Assert.StartsWith(message, error);
        Assert.StartsWith(message, Assert.Throws<FormatException>(() => LocalReclaimModel.Parse(spec)).Message);
    }

    [Fact]
    public void Validation_names_the_reclaim_model_and_instance_lifetime_keys()
    {
        var o = new LocalFunctionOptions { ReclaimModel = "azure" };
        string error = Assert.Single(o.GetValidationErrors());
        Assert.StartsWith("LocalFunctionOptions.ReclaimModel: 'azure' is not a reclaim model", error);
        var ctor = Assert.Throws<OptionsValidationException>(() => new LocalFunctionPlatform(o, _ => new CounterHandler()));
        Assert.Contains(error, ctor.Failures);

        var zero = new LocalFunctionOptions { InstanceLifetime = TimeSpan.Zero };
        Assert.Equal("LocalFunctionOptions.InstanceLifetime must be positive or Timeout.InfiniteTimeSpan (was 00:00:00).", Assert.Single(zero.GetValidationErrors()));
        Assert.Empty(new LocalFunctionOptions { InstanceLifetime = TimeSpan.FromHours(4), ReclaimModel = "aws" }.GetValidationErrors());
    }

    [Fact]
    public async Task Aws_idle_instances_are_reclaimed_ten_minutes_after_their_last_invocation()
    {
        var time = Fixture.Time();
        var reclaims = new List<LocalInstanceReclaim>();
        // The aws idle lifetime without host recycling, so the test does not depend on a random draw.
        await using var platform = new LocalFunctionPlatform(Fixture.Options(o => o.ReclaimModel = "idle:10m,lifetime:none"), _ => new CounterHandler(), time);
        platform.InstanceReclaimed += (_, e) => reclaims.Add(e);

        var first = await platform.InvokeAsync(Fixture.Invocation()).Within();
        time.Advance(TimeSpan.FromMinutes(9));
        var warmUp = await platform.InvokeAsync(Fixture.Invocation(kind: InvocationKind.WarmUp)).Within();
        Assert.Equal(first.InstanceId, warmUp.InstanceId);
        time.Advance(TimeSpan.FromMinutes(10) - TimeSpan.FromTicks(1));
        Assert.Empty(reclaims);
        time.Advance(TimeSpan.FromTicks(1));
        var reclaim = Assert.Single(reclaims);
        Assert.Equal(LocalReclaimReason.Idle, reclaim.Reason);
        Assert.Equal(first.InstanceId, reclaim.InstanceId);
    }

    [Fact]
    public async Task An_instance_is_recycled_at_the_end_of_its_lifetime_however_recently_it_was_used()
    {
        var time = Fixture.Time();
        var handlers = new List<CounterHandler>();
        var reclaims = new List<LocalInstanceReclaim>();
        await using var platform = new LocalFunctionPlatform(Fixture.Options(o =>
        {
            o.IdleLifetime = Timeout.InfiniteTimeSpan;
            o.InstanceLifetime = TimeSpan.FromHours(2);
        }),
            _ => { var h = new CounterHandler(); handlers.Add(h); return h; }, time);
        platform.InstanceReclaimed += (_, e) => reclaims.Add(e);

        var first = await platform.InvokeAsync(Fixture.Invocation()).Within();
        Assert.Equal(time.GetUtcNow() + TimeSpan.FromHours(2), platform.GetInstance(first.InstanceId)!.RecycleAt);
        for (int i = 0; i < 3; i++)
        {
            time.Advance(TimeSpan.FromMinutes(30));
            Assert.Equal(first.InstanceId, (await platform.InvokeAsync(Fixture.Invocation(kind: InvocationKind.WarmUp)).Within()).InstanceId);
        }
        time.Advance(TimeSpan.FromMinutes(30) - TimeSpan.FromTicks(1));
        Assert.Empty(reclaims);
        time.Advance(TimeSpan.FromTicks(1));

        var reclaim = Assert.Single(reclaims);
        Assert.Equal(LocalReclaimReason.Recycled, reclaim.Reason);
        Assert.Equal(LocalInstanceState.Idle, reclaim.StateAtReclaim);
        Assert.True(handlers[0].Disposed);
        Assert.Equal(1, platform.GetUsage().RecycledReclaims);
        Assert.Equal(0, platform.GetUsage().IdleReclaims);
        var next = await platform.InvokeAsync(Fixture.Invocation()).Within();
        Assert.True(next.ColdStart);
        Assert.Equal(1, CounterHandler.Decode(next.Response));
    }

    [Fact]
    public async Task A_busy_instance_whose_lifetime_ends_finishes_its_invocation_and_is_recycled_then()
    {
        var time = Fixture.Time();
        var gate = new GateHandler();
        var reclaims = new List<LocalInstanceReclaim>();
        await using var platform = new LocalFunctionPlatform(Fixture.Options(o =>
        {
            o.Timeout = TimeSpan.FromHours(2);
            o.InstanceLifetime = TimeSpan.FromHours(1);
        }), _ => gate, time);
        platform.InstanceReclaimed += (_, e) => reclaims.Add(e);

        var running = platform.InvokeAsync(Fixture.Invocation());
        await gate.Started.Within();
        time.Advance(TimeSpan.FromHours(1));
        Assert.Empty(reclaims);
        Assert.Equal(LocalInstanceState.Busy, Assert.Single(platform.GetFunction(Fixture.F0).Instances).State);

        gate.Release();
        var result = await running.Within();
        Assert.Null(result.Error);
        Assert.False(gate.SawCancellation);
        var reclaim = Assert.Single(reclaims);
        Assert.Equal(LocalReclaimReason.Recycled, reclaim.Reason);
        Assert.Equal(LocalInstanceState.Busy, reclaim.StateAtReclaim);
        Assert.True(gate.Disposed);
        Assert.Equal(0, platform.InstanceCount);
        Assert.Equal(0, platform.GetFunction(Fixture.F0).ActiveCount);
    }

    [Fact]
    public async Task When_the_primary_is_recycled_the_next_invocation_fails_over_to_the_other_warm_instance()
    {
        var time = Fixture.Time();
        var gates = new List<GateHandler>();
        int drawn = 0;
        // The first instance lives an hour, the second (the backup) has no limit.
        await using var platform = new LocalFunctionPlatform(Fixture.Options(o =>
        {
            o.IdleLifetime = Timeout.InfiniteTimeSpan;
            o.InstanceLifetimeSampler = (_, _) => ++drawn == 1 ? TimeSpan.FromHours(1) : Timeout.InfiniteTimeSpan;
        }), _ => { var g = new GateHandler(); gates.Add(g); return g; }, time);

        var primary = platform.InvokeAsync(Fixture.Invocation());
        var backup = platform.InvokeAsync(Fixture.Invocation(kind: InvocationKind.Backup));
        await Task.WhenAll(gates.Select(g => g.Started)).Within();
        gates[1].Release();
        string backupId = (await backup.Within()).InstanceId;
        gates[0].Release();
        string primaryId = (await primary.Within()).InstanceId;

        // Most recently used: the primary.
        var again = platform.InvokeAsync(Fixture.Invocation());
        await gates[0].Started.Within();
        gates[0].Release();
        Assert.Equal(primaryId, (await again.Within()).InstanceId);

        time.Advance(TimeSpan.FromHours(1));
        Assert.Null(platform.GetInstance(primaryId));
        var failover = platform.InvokeAsync(Fixture.Invocation());
        await gates[1].Started.Within();
        gates[1].Release();
        var result = await failover.Within();
        Assert.False(result.ColdStart);
        Assert.Equal(backupId, result.InstanceId);
    }

    [Fact]
    public async Task Aws_instance_lifetimes_are_uniform_over_four_hours_seeded_and_on_the_platforms_clock()
    {
        const int functions = 200;
        async Task<(List<TimeSpan> Lifetimes, int RecycledByTwoHours, int RecycledByFourHours)> RunAsync()
        {
            var time = Fixture.Time();
            var start = time.GetUtcNow();
            await using var platform = new LocalFunctionPlatform(Fixture.Options(o =>
            {
                o.FunctionCount = functions;
                o.ReclaimModel = "idle:none,lifetime:0-4h"; // the aws host recycling alone
                o.Seed = 2017;
            }), _ => new CounterHandler(), time);
            foreach (var f in platform.Functions) await platform.InvokeAsync(Fixture.Invocation(f)).Within();
            var lifetimes = platform.GetFunctions().Select(f => Assert.Single(f.Instances)).Select(i => i.RecycleAt!.Value - i.CreatedAt).ToList();
            time.Advance(TimeSpan.FromHours(2));
            int byTwo = (int)platform.GetUsage().RecycledReclaims;
            time.Advance(TimeSpan.FromHours(2));
            Assert.Equal(0, platform.InstanceCount);
            return (lifetimes, byTwo, (int)platform.GetUsage().RecycledReclaims);
        }

        var (lifetimes, byTwo, byFour) = await RunAsync();
        Assert.All(lifetimes, l => Assert.InRange(l, TimeSpan.Zero, TimeSpan.FromHours(4)));
        Assert.InRange(lifetimes.Average(l => l.TotalHours), 1.7, 2.3);   // mean 2 h, sd of the mean 0.08 h
        Assert.InRange(byTwo, 70, 130);                                    // Binomial(200, ½)
        Assert.Equal(functions, byFour);
        Assert.Equal(lifetimes, (await RunAsync()).Lifetimes);            // same seed, same draws
    }

    [Fact]
    public async Task Instance_lifetimes_beyond_the_longest_timer_are_waited_out()
    {
        var time = Fixture.Time();
        await using var platform = new LocalFunctionPlatform(Fixture.Options(o =>
        {
            o.IdleLifetime = Timeout.InfiniteTimeSpan;
            o.InstanceLifetime = TimeSpan.FromDays(100);
        }), _ => new CounterHandler(), time);
        await platform.InvokeAsync(Fixture.Invocation()).Within();
        time.Advance(TimeSpan.FromDays(60));
        Assert.Equal(1, platform.InstanceCount);
        time.Advance(TimeSpan.FromDays(40) - TimeSpan.FromSeconds(1));
        Assert.Equal(1, platform.InstanceCount);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(0, platform.InstanceCount);
        Assert.Equal(1, platform.GetUsage().RecycledReclaims);
    }

    [Fact]
    public async Task A_named_model_is_exposed_and_explicit_samplers_take_precedence()
    {
        var time = Fixture.Time();
        await using var platform = new LocalFunctionPlatform(Fixture.Options(o =>
        {
            o.ReclaimModel = "aws";
            o.InstanceLifetimeSampler = (_, _) => Timeout.InfiniteTimeSpan;
        }), _ => new CounterHandler(), time);
        Assert.Same(LocalReclaimModel.Aws, platform.ReclaimModel);
        var r = await platform.InvokeAsync(Fixture.Invocation()).Within();
        Assert.Null(platform.GetInstance(r.InstanceId)!.RecycleAt);
        time.Advance(TimeSpan.FromMinutes(10)); // the model's idle lifetime still applies
        Assert.Equal(0, platform.InstanceCount);
        Assert.Equal(1, platform.GetUsage().IdleReclaims);
    }
}
