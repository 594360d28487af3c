using Tiered.LambdaEmulator;

namespace Tiered.Functions.Lambda.Tests;

/// <summary>Deadlines, crashes, init errors and function errors, with the echo function.</summary>
public sealed class FailureTests
{
    [Fact]
    public async Task At_the_deadline_the_process_is_killed_and_the_invocation_fails_with_Sandbox_Timedout()
    {
        await using var harness = await Harness.EchoAsync(o => o.Functions.Add(new LambdaFunctionDefinition { Name = "slow", Timeout = TimeSpan.FromSeconds(2) }));
        var records = new List<LambdaInvocationRecord>();
        harness.Emulator.InvocationCompleted += (_, r) => { lock (records) records.Add(r); };

        var result = await harness.EchoAsync(new { action = "sleep", ms = 600_000 }, function: "slow", tail: true);

        var error = result.Unhandled();
        Assert.Equal("Sandbox.Timedout", error.GetProperty("errorType").GetString());
        Assert.EndsWith("Task timed out after 2.00 seconds", error.GetProperty("errorMessage").GetString());
        Assert.Contains("Status: timeout", result.Log);
        var record = Assert.Single(records);
        Assert.Equal(TimeSpan.FromSeconds(2), record.Duration);
        Assert.Equal(TimeSpan.FromSeconds(2), record.BilledDuration);
        Assert.Equal("Sandbox.Timedout", record.ErrorType);

        var exit = await harness.Emulator.WaitForInstanceExitAsync(record.InstanceId).WaitAsync(Harness.Patience);
        Assert.Equal(LambdaInstanceExitReason.Timeout, exit.Reason);
        Assert.True(ProcessAssert.IsGone(exit.Pid));
        Assert.Equal(1, harness.Emulator.GetUsage().TimedOut);
    }

    [Fact]
    public async Task A_process_that_dies_mid_invocation_fails_it_with_Runtime_ExitError_and_the_next_one_cold_starts()
    {
        await using var harness = await Harness.EchoAsync();
        var first = (await harness.EchoAsync(new { action = "echo" })).Ok();

        var crash = await harness.EchoAsync(new { action = "crash", code = 3 });
        var error = crash.Unhandled();
        Assert.Equal("Runtime.ExitError", error.GetProperty("errorType").GetString());
        Assert.Contains("Runtime exited with error: exit status 3", error.GetProperty("errorMessage").GetString());
        var exit = await harness.Emulator.WaitForInstanceExitAsync(first.GetProperty("instanceId").GetString()!).WaitAsync(Harness.Patience);
        Assert.Equal(LambdaInstanceExitReason.Exited, exit.Reason);
        Assert.Equal(3, exit.ExitCode);

        var next = (await harness.EchoAsync(new { action = "echo" })).Ok();
        Assert.NotEqual(first.GetProperty("pid").GetInt32(), next.GetProperty("pid").GetInt32());
    }

    [Fact]
    public async Task An_init_error_fails_the_invocation_with_Runtime_InitError_and_drops_the_environment()
    {
        await using var harness = await Harness.EchoAsync(o => o.Environment["ECHO_INIT"] = "fail");

        var result = await harness.EchoAsync(new { action = "echo" }, tail: true);

        var error = result.Unhandled();
        Assert.Equal("Runtime.InitError", error.GetProperty("errorType").GetString());
        Assert.Contains("ECHO_INIT=fail", error.GetProperty("errorMessage").GetString());
        Assert.Contains("INIT_REPORT Status: error", result.Log);
        await RoutingTests.WaitUntilAsync(() => harness.Emulator.GetUsage().Exits[LambdaInstanceExitReason.InitFailed] == 1);
        Assert.Empty(harness.Emulator.Instances);
    }

    [Fact]
    public async Task A_process_that_exits_during_init_fails_the_invocation_with_Runtime_ExitError()
    {
        await using var harness = await Harness.EchoAsync(o => o.Environment["ECHO_INIT"] = "exit");

        var error = (await harness.EchoAsync(new { action = "echo" })).Unhandled();

        Assert.Equal("Runtime.ExitError", error.GetProperty("errorType").GetString());
        Assert.Contains("exit status 7", error.GetProperty("errorMessage").GetString());
    }

    [Fact]
    public async Task A_function_exception_is_Unhandled_and_the_instance_stays_warm_with_its_memory()
    {
        await using var harness = await Harness.EchoAsync();
        var first = (await harness.EchoAsync(new { action = "echo" })).Ok();

        var error = (await harness.EchoAsync(new { action = "fail", message = "boom" })).Unhandled();
        Assert.Equal("InvalidOperationException", error.GetProperty("errorType").GetString());
        Assert.Equal("boom", error.GetProperty("errorMessage").GetString());

        var third = (await harness.EchoAsync(new { action = "echo" })).Ok();
        Assert.Equal(first.GetProperty("pid").GetInt32(), third.GetProperty("pid").GetInt32());
        Assert.Equal(3, third.GetProperty("count").GetInt32());
        var usage = harness.Emulator.GetUsage();
        Assert.Equal(3, usage.Invocations);
        Assert.Equal(1, usage.Failed);
        Assert.Equal(1, usage.ColdStarts);
    }

    [Fact]
    public async Task A_response_over_6_MB_is_Function_ResponseSizeTooLarge()
    {
        await using var harness = await Harness.EchoAsync();
        var error = (await harness.EchoAsync(new { action = "big", bytes = LambdaEmulatorOptions.MaxSyncPayloadBytes + 1 })).Unhandled();
        Assert.Equal("Function.ResponseSizeTooLarge", error.GetProperty("errorType").GetString());
        (await harness.EchoAsync(new { action = "echo" })).Ok(); // the instance carries on
    }
}
