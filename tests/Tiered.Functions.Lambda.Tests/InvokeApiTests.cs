using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Tiered.LambdaEmulator;

namespace Tiered.Functions.Lambda.Tests;

/// <summary>The Invoke API front: invocation types, errors, limits, signatures, names, the environment, metering.</summary>
public sealed class InvokeApiTests
{
    [Fact]
    public async Task The_execution_environment_has_Lambdas_variables()
    {
        await using var harness = await Harness.EchoAsync(o => o.Environment["ECHO_EXTRA"] = "extra!");
        var json = (await harness.EchoAsync(new { action = "echo", hello = "world" })).Ok();
        var instance = Assert.Single(harness.Emulator.Instances);
        var env = json.GetProperty("env");

        Assert.Equal("echo", env.GetProperty("AWS_LAMBDA_FUNCTION_NAME").GetString());
        Assert.Equal("$LATEST", env.GetProperty("AWS_LAMBDA_FUNCTION_VERSION").GetString());
        Assert.Equal("128", env.GetProperty("AWS_LAMBDA_FUNCTION_MEMORY_SIZE").GetString());
        Assert.Equal(instance.InstanceId, env.GetProperty("AWS_LAMBDA_LOG_STREAM_NAME").GetString());
        Assert.Equal(instance.InstanceId, json.GetProperty("instanceId").GetString());
        Assert.Matches(@"^\d{4}/\d{2}/\d{2}/\[\$LATEST\][0-9a-f]{32}$", instance.InstanceId);
        Assert.Equal(instance.RuntimeApi, env.GetProperty("AWS_LAMBDA_RUNTIME_API").GetString());
        Assert.Equal("/aws/lambda/echo", env.GetProperty("AWS_LAMBDA_LOG_GROUP_NAME").GetString());
        Assert.Equal("on-demand", env.GetProperty("AWS_LAMBDA_INITIALIZATION_TYPE").GetString());
        Assert.Equal("us-east-1", env.GetProperty("AWS_REGION").GetString());
        Assert.Equal("us-east-1", env.GetProperty("AWS_DEFAULT_REGION").GetString());
        Assert.Equal("true", env.GetProperty("AWS_EC2_METADATA_DISABLED").GetString());
        Assert.Equal("bootstrap", env.GetProperty("_HANDLER").GetString());
        Assert.Equal(":UTC", env.GetProperty("TZ").GetString());
        Assert.Equal(Path.GetDirectoryName(Functions.Echo), env.GetProperty("LAMBDA_TASK_ROOT").GetString());
        Assert.StartsWith("Root=1-", env.GetProperty("_X_AMZN_TRACE_ID").GetString());
        Assert.Equal("extra!", env.GetProperty("ECHO_EXTRA").GetString());
        Assert.Equal(128L * 1024 * 1024, json.GetProperty("memoryBytes").GetInt64());
        Assert.Equal("world", json.GetProperty("payload").GetProperty("hello").GetString());
        // The deadline is the invocation's start + the 15-minute default timeout.
        var deadline = DateTimeOffset.FromUnixTimeMilliseconds(json.GetProperty("deadlineMs").GetInt64());
        Assert.InRange(deadline - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(15));
    }

    [Fact]
    public async Task An_Event_invocation_is_accepted_with_202_and_runs_in_the_background()
    {
        await using var harness = await Harness.EchoAsync();
        var completed = new TaskCompletionSource<LambdaInvocationRecord>(TaskCreationOptions.RunContinuationsAsynchronously);
        harness.Emulator.InvocationCompleted += (_, r) => completed.TrySetResult(r);

        var accepted = await harness.InvokeAsync("echo", """{"action":"echo"}""", invocationType: "Event");

        Assert.Equal(HttpStatusCode.Accepted, accepted.Status);
        Assert.Equal("", accepted.Body);
        var record = await completed.Task.WaitAsync(Harness.Patience);
        Assert.Equal(LambdaInvocationType.Event, record.Type);
        Assert.Equal(accepted.Header("x-amzn-RequestId"), record.RequestId);
        Assert.True(record.Succeeded);
        Assert.True(record.ColdStart);
    }

    [Fact]
    public async Task A_DryRun_answers_204_and_starts_nothing()
    {
        await using var harness = await Harness.EchoAsync();
        var result = await harness.InvokeAsync("echo", "{}", invocationType: "DryRun");
        Assert.Equal(HttpStatusCode.NoContent, result.Status);
        Assert.Empty(harness.Emulator.Instances);
        Assert.Equal(0, harness.Emulator.GetUsage().Invocations);
    }

    [Fact]
    public async Task An_unknown_function_is_404_ResourceNotFoundException()
    {
        await using var harness = await Harness.EchoAsync();
        var result = await harness.InvokeAsync("missing", "{}");

        Assert.Equal(HttpStatusCode.NotFound, result.Status);
        Assert.Equal("ResourceNotFoundException", result.Header("x-amzn-ErrorType"));
        Assert.Equal("User", result.Json.GetProperty("Type").GetString());
        Assert.Equal("Function not found: arn:aws:lambda:us-east-1:000000000000:function:missing", result.Json.GetProperty("message").GetString());
        Assert.Empty(harness.Emulator.Instances);
    }

    [Fact]
    public async Task Bad_names_and_headers_are_400_ValidationException()
    {
        await using var harness = await Harness.EchoAsync();
        var badName = await harness.InvokeAsync("bad name!", "{}");
        Assert.Equal(HttpStatusCode.BadRequest, badName.Status);
        Assert.Equal("ValidationException", badName.Header("x-amzn-ErrorType"));
        var badType = await harness.InvokeAsync("echo", "{}", invocationType: "Sometimes");
        Assert.Equal(HttpStatusCode.BadRequest, badType.Status);
        Assert.Contains("invocationType", badType.Json.GetProperty("message").GetString());
    }

    [Fact]
    public async Task A_payload_over_6_MB_is_413_RequestTooLargeException()
    {
        await using var harness = await Harness.EchoAsync();
        string payload = "\"" + new string('x', LambdaEmulatorOptions.MaxSyncPayloadBytes) + "\"";

        var result = await harness.InvokeAsync("echo", payload);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, result.Status);
        Assert.Equal("RequestTooLargeException", result.Header("x-amzn-ErrorType"));
        Assert.Empty(harness.Emulator.Instances);
    }

    [Fact]
    public async Task Function_names_may_be_ARNs_with_qualifiers_and_AutoCreateFunctions_accepts_any_valid_name()
    {
        await using var harness = await Harness.EchoAsync(o => o.AutoCreateFunctions = true);

        (await harness.InvokeAsync("echo", "{}", path: $"2015-03-31/functions/{Uri.EscapeDataString(harness.Emulator.FunctionArn("echo"))}/invocations")).Ok();
        (await harness.InvokeAsync("echo", "{}", path: "2015-03-31/functions/000000000000:function:echo:$LATEST/invocations")).Ok();
        (await harness.InvokeAsync("echo", "{}", path: "2015-03-31/functions/echo/invocations?Qualifier=%24LATEST")).Ok();
        var created = (await harness.InvokeAsync("brand-new_fn", "{}")).Ok();

        Assert.Equal("brand-new_fn", created.GetProperty("functionName").GetString());
        Assert.Equal(["echo", "brand-new_fn"], harness.Emulator.Functions);
        Assert.Single(harness.Emulator.Instances, i => i.FunctionName == "echo"); // all three calls on one warm instance
    }

    [Fact]
    public async Task RequireSignature_refuses_unsigned_calls_with_403()
    {
        await using var harness = await Harness.EchoAsync(o => o.RequireSignature = true);

        var unsigned = await harness.InvokeAsync("echo", "{}");
        Assert.Equal(HttpStatusCode.Forbidden, unsigned.Status);
        Assert.Equal("MissingAuthenticationTokenException", unsigned.Header("x-amzn-ErrorType"));

        using var request = new HttpRequestMessage(HttpMethod.Post, "2015-03-31/functions/echo/invocations") { Content = new StringContent("{}", Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("Authorization",
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/lambda/aws4_request, SignedHeaders=host;x-amz-date, Signature=0123456789abcdef");
        using var response = await harness.Http.SendAsync(request).WaitAsync(Harness.Patience);
        (await Invocation.ReadAsync(response)).Ok();

        using var wrongService = new HttpRequestMessage(HttpMethod.Post, "2015-03-31/functions/echo/invocations") { Content = new StringContent("{}") };
        wrongService.Headers.Authorization = new AuthenticationHeaderValue("AWS4-HMAC-SHA256",
            "Credential=AKIDEXAMPLE/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=00");
        using var refused = await harness.Http.SendAsync(wrongService).WaitAsync(Harness.Patience);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
    }

    [Fact]
    public async Task Every_invocation_is_metered_at_1_ms_granularity()
    {
        await using var harness = await Harness.EchoAsync();
        var records = new List<LambdaInvocationRecord>();
        harness.Emulator.InvocationCompleted += (_, r) => { lock (records) records.Add(r); };

        (await harness.EchoAsync(new { action = "echo" })).Ok();
        (await harness.EchoAsync(new { action = "sleep", ms = 30 })).Ok();

        Assert.Equal(2, records.Count);
        Assert.True(records[0].ColdStart);
        Assert.NotNull(records[0].InitDuration);
        Assert.False(records[1].ColdStart);
        Assert.Null(records[1].InitDuration);
        foreach (var record in records)
        {
            Assert.True(record.Succeeded);
            Assert.Equal(128, record.MemoryMiB);
            Assert.Equal(0, record.BilledDuration.Ticks % TimeSpan.TicksPerMillisecond);
            Assert.True(record.BilledDuration >= record.Duration && record.BilledDuration - record.Duration < TimeSpan.FromMilliseconds(1));
            Assert.True(record.BilledDuration >= TimeSpan.FromMilliseconds(1));
            Assert.Equal(128 / 1024.0 * record.BilledDuration.TotalSeconds, record.BilledGbSeconds, 12);
        }
        Assert.True(records[1].Duration >= TimeSpan.FromMilliseconds(30));
        var usage = harness.Emulator.GetUsage();
        Assert.Equal(2, usage.Invocations);
        Assert.Equal(records[0].BilledDuration + records[1].BilledDuration, usage.BilledDuration);
    }

    [Fact]
    public async Task The_tail_log_carries_the_REPORT_line_and_ends_within_4_KB()
    {
        await using var harness = await Harness.EchoAsync();
        var result = await harness.EchoAsync(new { action = "print", text = new string('y', 10_000) }, tail: true);
        result.Ok();
        byte[] log = Convert.FromBase64String(result.Header("X-Amz-Log-Result")!);
        Assert.True(log.Length <= 4096);
        Assert.EndsWith("\t\n", result.Log);
        Assert.Contains($"REPORT RequestId: {result.Header("x-amzn-RequestId")}\t", result.Log);
    }
}
