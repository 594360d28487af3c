using System.Net;
using System.Text.Json;
using Tiered.LambdaEmulator;

namespace Tiered.Functions.Lambda.Tests;

/// <summary>Warm reuse, cold starts, the most-recently-used idle instance first, the concurrency limit, reclaim.</summary>
public sealed class RoutingTests
{
    [Fact]
    public async Task A_busy_instance_makes_the_next_invocation_cold_start_and_idle_instances_are_reused_most_recent_first()
    {
        await using var harness = await Harness.EchoAsync();
        using var gateA = new Gate();
        using var gateB = new Gate();

        var first = harness.EchoAsync(gateA.Payload);
        await WaitUntilAsync(() => harness.Emulator.Instances.Any(i => i.State == LambdaInstanceState.Busy));
        var second = harness.EchoAsync(gateB.Payload); // the first instance is busy: a cold start
        await WaitUntilAsync(() => harness.Emulator.Instances.Count(i => i.State == LambdaInstanceState.Busy) == 2);

        gateA.Open();
        var a = (await first).Ok();
        gateB.Open();
        var b = (await second).Ok();
        Assert.NotEqual(a.GetProperty("pid").GetInt32(), b.GetProperty("pid").GetInt32());
        Assert.NotEqual(a.GetProperty("instanceId").GetString(), b.GetProperty("instanceId").GetString());

        // B became idle last, so it is the most recently used: it takes the next invocation, and the one after.
        var third = (await harness.EchoAsync(new { action = "echo" })).Ok();
        Assert.Equal(b.GetProperty("pid").GetInt32(), third.GetProperty("pid").GetInt32());
        Assert.Equal(2, third.GetProperty("count").GetInt32()); // the handler object (its memory) survived
        var fourth = (await harness.EchoAsync(new { action = "echo" })).Ok();
        Assert.Equal(b.GetProperty("pid").GetInt32(), fourth.GetProperty("pid").GetInt32());

        // Failover: once B is gone, the next invocation lands on the warm A, not on a new process.
        Assert.True(harness.Emulator.ReclaimInstance(b.GetProperty("instanceId").GetString()!));
        var fifth = (await harness.EchoAsync(new { action = "echo" })).Ok();
        Assert.Equal(a.GetProperty("pid").GetInt32(), fifth.GetProperty("pid").GetInt32());
        Assert.Equal(2, fifth.GetProperty("count").GetInt32());
        Assert.Equal(2, harness.Emulator.GetUsage().ColdStarts);
    }

    [Fact]
    public async Task Beyond_the_reserved_concurrency_an_invocation_is_throttled_with_429()
    {
        await using var harness = await Harness.EchoAsync(o => o.ReservedConcurrency = 1);
        using var gate = new Gate();
        var running = harness.EchoAsync(gate.Payload);
        await WaitUntilAsync(() => harness.Emulator.Instances.Any(i => i.State == LambdaInstanceState.Busy));

        var throttled = await harness.EchoAsync(new { action = "echo" });
        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.Status);
        Assert.Equal("TooManyRequestsException", throttled.Header("x-amzn-ErrorType"));
        Assert.NotNull(throttled.Header("Retry-After"));
        var body = throttled.Json;
        Assert.Equal("ReservedFunctionConcurrentInvocationLimitExceeded", body.GetProperty("Reason").GetString());
        Assert.Equal("User", body.GetProperty("Type").GetString());
        Assert.Equal("Rate Exceeded.", body.GetProperty("message").GetString());

        gate.Open();
        (await running).Ok();
        (await harness.EchoAsync(new { action = "echo" })).Ok(); // a slot is free again
        var usage = harness.Emulator.GetUsage();
        Assert.Equal(1, usage.Throttled);
        Assert.Equal(2, usage.Invocations);
    }

    [Fact]
    public async Task A_reclaimed_instance_is_killed_and_the_next_invocation_cold_starts_a_new_process()
    {
        await using var harness = await Harness.EchoAsync();
        var before = (await harness.EchoAsync(new { action = "echo" })).Ok();
        var instance = Assert.Single(harness.Emulator.Instances);
        Assert.Equal(before.GetProperty("pid").GetInt32(), instance.Pid);

        Assert.True(harness.Emulator.ReclaimInstance(instance.InstanceId));
        var exit = await harness.Emulator.WaitForInstanceExitAsync(instance.InstanceId).WaitAsync(Harness.Patience);
        Assert.Equal(LambdaInstanceExitReason.Reclaimed, exit.Reason);
        Assert.True(ProcessAssert.IsGone(instance.Pid));
        Assert.False(harness.Emulator.ReclaimInstance(instance.InstanceId));

        var after = await harness.EchoAsync(new { action = "echo" }, tail: true);
        var json = after.Ok();
        Assert.NotEqual(instance.Pid, json.GetProperty("pid").GetInt32());
        Assert.Equal(1, json.GetProperty("count").GetInt32()); // the memory went with the process
        Assert.Contains("Init Duration:", after.Log);
        Assert.Equal(1, harness.Emulator.GetUsage().Exits[LambdaInstanceExitReason.Reclaimed]);
    }

    [Fact]
    public async Task ReclaimFunction_and_ReclaimRandom_kill_live_instances()
    {
        await using var harness = await Harness.EchoAsync(o => o.FunctionNames.Add("other"));
        (await harness.EchoAsync(new { action = "echo" })).Ok();
        (await harness.EchoAsync(new { action = "echo" }, function: "other")).Ok();
        var echo = harness.Emulator.Instances.Single(i => i.FunctionName == "echo");

        Assert.Equal(1, harness.Emulator.ReclaimFunction("echo"));
        await harness.Emulator.WaitForInstanceExitAsync(echo.InstanceId).WaitAsync(Harness.Patience);
        var other = Assert.Single(harness.Emulator.Instances);
        Assert.Equal("other", other.FunctionName);

        Assert.Equal([other.InstanceId], harness.Emulator.ReclaimRandom(5));
        await harness.Emulator.WaitForInstanceExitAsync(other.InstanceId).WaitAsync(Harness.Patience);
        Assert.Empty(harness.Emulator.Instances);
        Assert.Empty(harness.Emulator.ReclaimRandom());
        Assert.Throws<ArgumentException>(() => harness.Emulator.ReclaimFunction("nope"));
    }

    [Fact]
    public async Task The_admin_endpoints_list_and_reclaim_instances()
    {
        await using var harness = await Harness.EchoAsync();
        var echo = (await harness.EchoAsync(new { action = "echo" })).Ok();
        string id = echo.GetProperty("instanceId").GetString()!;

        using var list = JsonDocument.Parse(await harness.Http.GetStringAsync("emulator/instances"));
        var listed = Assert.Single(list.RootElement.EnumerateArray());
        Assert.Equal(id, listed.GetProperty("instanceId").GetString());
        Assert.Equal("echo", listed.GetProperty("functionName").GetString());
        Assert.Equal(echo.GetProperty("pid").GetInt32(), listed.GetProperty("pid").GetInt32());
        Assert.Equal("Idle", listed.GetProperty("state").GetString());

        using var functions = JsonDocument.Parse(await harness.Http.GetStringAsync("emulator/functions"));
        Assert.Equal(harness.Emulator.FunctionArn("echo"), Assert.Single(functions.RootElement.EnumerateArray()).GetProperty("arn").GetString());

        using var reclaim = await harness.Http.PostAsync($"emulator/reclaim?instance={Uri.EscapeDataString(id)}", null);
        Assert.Equal(HttpStatusCode.OK, reclaim.StatusCode);
        using (var body = JsonDocument.Parse(await reclaim.Content.ReadAsStringAsync()))
            Assert.Equal(id, Assert.Single(body.RootElement.GetProperty("reclaimed").EnumerateArray()).GetString());
        var exit = await harness.Emulator.WaitForInstanceExitAsync(id).WaitAsync(Harness.Patience);
        Assert.Equal(LambdaInstanceExitReason.Reclaimed, exit.Reason);

        using var unknownFunction = await harness.Http.PostAsync("emulator/reclaim?function=nope", null);
        Assert.Equal(HttpStatusCode.NotFound, unknownFunction.StatusCode);
        using var nothing = await harness.Http.PostAsync("emulator/reclaim", null);
        Assert.Equal(HttpStatusCode.BadRequest, nothing.StatusCode);
        using var usage = JsonDocument.Parse(await harness.Http.GetStringAsync("emulator/usage"));
        Assert.Equal(1, usage.RootElement.GetProperty("invocations").GetInt64());
        Assert.Equal(1, usage.RootElement.GetProperty("exits").GetProperty("Reclaimed").GetInt64());
    }

    /// <summary>Polls a condition (hang guard only: no timing is asserted).</summary>
    internal static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Harness.Patience;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("The condition did not become true in time.");
            await Task.Delay(20);
        }
    }
}
