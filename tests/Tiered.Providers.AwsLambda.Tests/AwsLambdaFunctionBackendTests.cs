using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Tiered.Functions;
using Xunit;

namespace Tiered.Providers.AwsLambda.Tests;

/// <summary>The backend against a loopback Invoke endpoint that verifies every signature and scripts the answers.</summary>
public sealed class AwsLambdaFunctionBackendTests
{
    private static readonly byte[] Payload = """{"proxyHost":"127.0.0.1","proxyPort":6381,"nodeId":"tiered-node-001","token":"AAECAw==","kind":"Serve"}"""u8.ToArray();

    private const string ColdReport = "START RequestId: 8f5f Version: $LATEST\nnode serving\nEND RequestId: 8f5f\n" +
        "REPORT RequestId: 8f5f\tDuration: 12.34 ms\tBilled Duration: 13 ms\tMemory Size: 2048 MB\tMax Memory Used: 35 MB\tInit Duration: 150.20 ms\t\n";

    private const string WarmReport = "START RequestId: 9a1c Version: 7\nEND RequestId: 9a1c\n" +
        "REPORT RequestId: 9a1c\tDuration: 2500.61 ms\tBilled Duration: 2501 ms\tMemory Size: 1536 MB\tMax Memory Used: 61 MB\t\n";

    private static string Tail(string log) => Convert.ToBase64String(Encoding.UTF8.GetBytes(log));

    [Fact]
    public async Task A_successful_invocation_reports_billing_cold_start_and_instance_from_the_log_tail()
    {
        await using var server = LoopbackLambdaServer.Scripted(ScriptedResponse.Json(200,
            """{"nodeId":"tiered-node-001","instanceId":"i-7f3a","outcome":"idle","commandsServed":3}""",
            ("X-Amz-Log-Result", Tail(ColdReport)), ("x-amzn-RequestId", "8f5f"), ("X-Amz-Executed-Version", "$LATEST")));
        using var test = new TestBackend(server);

        var result = await test.Backend.InvokeAsync(new FunctionInvocation("tiered-node-001", Payload), Timeout());

        Assert.True(result.Succeeded);
        Assert.Equal("tiered-node-001", result.FunctionName);
        Assert.Equal("i-7f3a", result.InstanceId);
        Assert.True(result.ColdStart);
        Assert.Equal(TimeSpan.FromMilliseconds(12.34), result.Duration);
        Assert.Equal(TimeSpan.FromMilliseconds(13), result.BilledDuration);
        Assert.Equal(2048L * 1024 * 1024, result.MemoryBytes);
        Assert.Contains("\"instanceId\":\"i-7f3a\"", Encoding.UTF8.GetString(result.Response.Span));

        var request = Assert.Single(server.Requests);
        Assert.Empty(server.SignatureFailures);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/2015-03-31/functions/tiered-node-001/invocations", request.Path);
        Assert.Equal("", request.Query);
        Assert.Equal("RequestResponse", request.Header("X-Amz-Invocation-Type"));
        Assert.Equal("Tail", request.Header("X-Amz-Log-Type"));
        Assert.Equal("application/json", request.Header("Content-Type"));
        Assert.Null(request.Header("x-amz-content-sha256"));
        Assert.Equal(Payload, request.Body);
        Assert.Equal("content-type;host;x-amz-date;x-amz-invocation-type;x-amz-log-type", request.SignedHeaders);
    }

    [Fact]
    public async Task A_warm_instance_has_no_init_duration()
    {
        await using var server = LoopbackLambdaServer.Scripted(ScriptedResponse.Json(200, """{"instanceId":"i-1"}""", ("X-Amz-Log-Result", Tail(WarmReport))));
        using var test = new TestBackend(server);

        var result = await test.Backend.InvokeAsync(new FunctionInvocation("tiered-node-000", Payload, InvocationKind.WarmUp), Timeout());

        Assert.False(result.ColdStart);
        Assert.Equal(TimeSpan.FromMilliseconds(2501), result.BilledDuration);
        Assert.Equal(1536L * 1024 * 1024, result.MemoryBytes);
        Assert.Equal(1.5 * 2.501, result.BilledGbSeconds, 6);
    }

    [Fact]
    public async Task Without_a_REPORT_line_the_measured_time_is_billed_rounded_up_to_a_millisecond()
    {
        await using var server = LoopbackLambdaServer.Scripted(ScriptedResponse.Json(200, "null"));
        using var test = new TestBackend(server, o => o.MemoryMiB = 512);

        var result = await test.Backend.InvokeAsync(new FunctionInvocation("tiered-node-002", Payload), Timeout());

        Assert.True(result.Succeeded);
        Assert.Equal("", result.InstanceId);
        Assert.False(result.ColdStart);
        Assert.True(result.Duration > TimeSpan.Zero);
        Assert.True(result.BilledDuration >= result.Duration);
        Assert.True(result.BilledDuration >= TimeSpan.FromMilliseconds(1));
        Assert.Equal(0, result.BilledDuration.Ticks % TimeSpan.TicksPerMillisecond);
        Assert.Equal(512L * 1024 * 1024, result.MemoryBytes);
    }

    [Fact]
    public async Task A_function_error_is_a_result_with_the_functions_error_type_and_message()
    {
        await using var server = LoopbackLambdaServer.Scripted(ScriptedResponse.Json(200,
            """{"errorType":"Runtime.ExitError","errorMessage":"RequestId: 8f5f Error: Runtime exited with error: exit status 134"}""",
            ("X-Amz-Function-Error", "Unhandled"), ("X-Amz-Log-Result", Tail(ColdReport))));
        using var test = new TestBackend(server);
        using var errors = test.Collect(AwsLambdaMetricNames.Errors);
        using var invocations = test.Collect(AwsLambdaMetricNames.Invocations);

        var result = await test.Backend.InvokeAsync(new FunctionInvocation("tiered-node-001", Payload), Timeout());

        Assert.False(result.Succeeded);
        Assert.Equal("Runtime.ExitError: RequestId: 8f5f Error: Runtime exited with error: exit status 134", result.Error);
        Assert.Equal("", result.InstanceId);
        Assert.Equal(TimeSpan.FromMilliseconds(13), result.BilledDuration);
        var error = Assert.Single(errors.GetMeasurementSnapshot());
        Assert.Equal("Unhandled", error.Tags[AwsLambdaMetricNames.ErrorTypeTag]);
        Assert.Equal("function_error", Assert.Single(invocations.GetMeasurementSnapshot()).Tags[AwsLambdaMetricNames.OutcomeTag]);
    }

    [Fact]
    public async Task A_throttle_with_Retry_After_seconds_is_retried_after_that_long()
    {
        await using var server = LoopbackLambdaServer.Scripted(
            ScriptedResponse.Json(429, """{"Reason":"ReservedFunctionConcurrentInvocationLimitExceeded","Type":"User","message":"Rate Exceeded."}""",
                ("x-amzn-ErrorType", "TooManyRequestsException"), ("Retry-After", "2")),
            ScriptedResponse.Json(200, """{"instanceId":"i-2"}"""));
        using var test = new TestBackend(server);
        using var throttles = test.Collect(AwsLambdaMetricNames.Throttles);
        using var retries = test.Collect(AwsLambdaMetricNames.Retries);

        var result = await test.Backend.InvokeAsync(new FunctionInvocation("tiered-node-000", Payload), Timeout());

        Assert.True(result.Succeeded);
        Assert.Equal("i-2", result.InstanceId);
        Assert.Equal(2, server.Requests.Count);
        Assert.Empty(server.SignatureFailures);
        Assert.Equal([TimeSpan.FromSeconds(2)], test.Delays);
        Assert.Equal(1, throttles.GetMeasurementSnapshot().EvaluateAsCounter());
        Assert.Equal("throttled", Assert.Single(retries.GetMeasurementSnapshot()).Tags[AwsLambdaMetricNames.ReasonTag]);
    }

    [Fact]
    public async Task A_throttle_with_an_HTTP_date_Retry_After_waits_until_that_date()
    {
        var until = DateTimeOffset.UtcNow.AddSeconds(10);
        await using var server = LoopbackLambdaServer.Scripted(
            ScriptedResponse.Json(429, """{"message":"Rate Exceeded."}""", ("x-amzn-ErrorType", "TooManyRequestsException"), ("Retry-After", until.ToString("r"))),
            ScriptedResponse.Json(200, "{}"));
        using var test = new TestBackend(server, o => o.RetryMaxDelay = TimeSpan.FromSeconds(30));

        var result = await test.Backend.InvokeAsync(new FunctionInvocation("tiered-node-000", Payload), Timeout());

        Assert.True(result.Succeeded);
        var delay = Assert.Single(test.Delays);
        Assert.InRange(delay, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Throttled_beyond_MaxRetries_is_a_FunctionThrottledException()
    {
        await using var server = LoopbackLambdaServer.Scripted(
            ScriptedResponse.Json(429, """{"Type":"User","message":"Rate Exceeded."}""", ("x-amzn-ErrorType", "TooManyRequestsException"), ("x-amzn-RequestId", "r-429")));
        using var test = new TestBackend(server, o => o.MaxRetries = 2);
        using var throttles = test.Collect(AwsLambdaMetricNames.Throttles);
        using var invocations = test.Collect(AwsLambdaMetricNames.Invocations);

        var e = await Assert.ThrowsAsync<FunctionThrottledException>(() => test.Backend.InvokeAsync(new FunctionInvocation("tiered-node-001", Payload), Timeout()));

        Assert.Equal("tiered-node-001", e.FunctionName);
        Assert.Contains("after 3 attempt(s)", e.Message);
        var aws = Assert.IsType<AwsLambdaException>(e.InnerException);
        Assert.Equal("TooManyRequestsException", aws.ErrorType);
        Assert.Equal("r-429", aws.RequestId);
        Assert.Equal(3, server.Requests.Count);
        Assert.Equal(3, throttles.GetMeasurementSnapshot().EvaluateAsCounter());
        Assert.Equal(2, test.Delays.Count);
        for (int i = 0; i < test.Delays.Count; i++)
            Assert.InRange(test.Delays.ElementAt(i), TimeSpan.Zero, RetryDelays.BackoffCap(i, test.Options.RetryBaseDelay, test.Options.RetryMaxDelay));
        Assert.Equal("throttled", Assert.Single(invocations.GetMeasurementSnapshot()).Tags[AwsLambdaMetricNames.OutcomeTag]);
    }

    [Fact]
    public async Task A_Retry_After_longer_than_RetryMaxDelay_ends_the_retries_at_once()
    {
        await using var server = LoopbackLambdaServer.Scripted(
            ScriptedResponse.Json(429, """{"message":"Rate Exceeded."}""", ("x-amzn-ErrorType", "TooManyRequestsException"), ("Retry-After", "120")));
        using var test = new TestBackend(server);

        var e = await Assert.ThrowsAsync<FunctionThrottledException>(() => test.Backend.InvokeAsync(new FunctionInvocation("tiered-node-001", Payload), Timeout()));

        Assert.Single(server.Requests);
        Assert.Empty(test.Delays);
        Assert.Contains("RetryMaxDelay", e.Message);
    }

    [Fact]
    public async Task A_503_is_retried_with_backoff_and_then_succeeds()
    {
        await using var server = LoopbackLambdaServer.Scripted(
            ScriptedResponse.Json(503, """{"Type":"Service","message":"Service Unavailable"}""", ("x-amzn-ErrorType", "ServiceException")),
            ScriptedResponse.Json(200, """{"instanceId":"i-3"}"""));
        using var test = new TestBackend(server);
        using var retries = test.Collect(AwsLambdaMetricNames.Retries);

        var result = await test.Backend.InvokeAsync(new FunctionInvocation("tiered-node-002", Payload), Timeout());

        Assert.True(result.Succeeded);
        Assert.Equal(2, server.Requests.Count);
        Assert.InRange(Assert.Single(test.Delays), TimeSpan.Zero, test.Options.RetryBaseDelay);
        Assert.Equal("server_error", Assert.Single(retries.GetMeasurementSnapshot()).Tags[AwsLambdaMetricNames.ReasonTag]);
    }

    [Fact]
    public async Task Server_errors_beyond_MaxRetries_are_an_AwsLambdaException_with_the_type_from_the_body()
    {
        await using var server = LoopbackLambdaServer.Scripted(
            ScriptedResponse.Json(502, """{"__type":"com.amazonaws.lambda#EC2ThrottledException","message":"Lambda was throttled by Amazon EC2."}"""));
        using var test = new TestBackend(server, o => o.MaxRetries = 1);

        var e = await Assert.ThrowsAsync<AwsLambdaException>(() => test.Backend.InvokeAsync(new FunctionInvocation("tiered-node-000", Payload), Timeout()));

        Assert.Equal(502, e.StatusCode);
        Assert.Equal("EC2ThrottledException", e.ErrorType);
        Assert.True(e.IsServerError);
        Assert.Equal("Lambda was throttled by Amazon EC2.", e.AwsMessage);
        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public async Task ResourceNotFound_is_an_AwsLambdaException_at_once()
    {
        await using var server = LoopbackLambdaServer.Scripted(ScriptedResponse.Json(404,
            """{"Type":"User","message":"Function not found: arn:aws:lambda:us-east-1:123456789012:function:tiered-node-000"}""",
            ("x-amzn-ErrorType", "ResourceNotFoundException:http://internal.amazon.com/coral/com.amazon.coral.service/"),
            ("x-amzn-RequestId", "5b6c1d2e")));
        using var test = new TestBackend(server);
        using var errors = test.Collect(AwsLambdaMetricNames.Errors);

        var e = await Assert.ThrowsAsync<AwsLambdaException>(() => test.Backend.InvokeAsync(new FunctionInvocation("tiered-node-000", Payload), Timeout()));

        Assert.Equal("tiered-node-000", e.FunctionName);
        Assert.Equal(404, e.StatusCode);
        Assert.Equal("ResourceNotFoundException", e.ErrorType);
        Assert.Equal("5b6c1d2e", e.RequestId);
        Assert.Contains("Function not found", e.AwsMessage);
        Assert.Contains("'tiered-node-000'", e.Message);
        Assert.Contains("ResourceNotFoundException", e.Message);
        Assert.Single(server.Requests);
        Assert.Empty(test.Delays);
        Assert.Equal("ResourceNotFoundException", Assert.Single(errors.GetMeasurementSnapshot()).Tags[AwsLambdaMetricNames.ErrorTypeTag]);
    }

    [Theory]
    [InlineData(400, """{"__type":"InvalidRequestContentException","message":"Could not parse request body into json"}""", "InvalidRequestContentException")]
    [InlineData(413, """{"Type":"User","message":"Request must be smaller than 6291456 bytes for the InvokeFunction operation"}""", "HTTP 413")]
    [InlineData(403, """{"Message":"User is not authorized to perform: lambda:InvokeFunction"}""", "HTTP 403")]
    [InlineData(400, "not json at all", "HTTP 400")]
    public async Task Client_errors_are_not_retried(int status, string body, string errorType)
    {
        await using var server = LoopbackLambdaServer.Scripted(ScriptedResponse.Json(status, body));
        using var test = new TestBackend(server);

        var e = await Assert.ThrowsAsync<AwsLambdaException>(() => test.Backend.InvokeAsync(new FunctionInvocation("tiered-node-000", Payload), Timeout()));

        Assert.Equal(status, e.StatusCode);
        Assert.Equal(errorType, e.ErrorType);
        Assert.False(string.IsNullOrEmpty(e.AwsMessage));
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task A_request_signed_with_the_wrong_secret_is_refused_by_the_verifying_server()
    {
        await using var server = LoopbackLambdaServer.Scripted(ScriptedResponse.Json(200, "{}"));
        using var test = new TestBackend(server, o => o.SecretAccessKey = "not-the-secret");

        var e = await Assert.ThrowsAsync<AwsLambdaException>(() => test.Backend.InvokeAsync(new FunctionInvocation("tiered-node-000", Payload), Timeout()));

        Assert.Equal(403, e.StatusCode);
        Assert.Equal("InvalidSignatureException", e.ErrorType);
        Assert.Single(server.SignatureFailures);
    }

    [Fact]
    public async Task An_answer_slower_than_the_HTTP_timeout_is_a_TimeoutException_naming_function_and_timeout()
    {
        await using var server = new LoopbackLambdaServer(async (_, stop) =>
        {
            await Task.Delay(TimeSpan.FromMinutes(1), stop);   // far beyond the HTTP timeout; ends when the server stops
            return ScriptedResponse.Json(200, "{}");
        });
        using var test = new TestBackend(server, o => { o.Timeout = TimeSpan.FromMilliseconds(500); o.HttpTimeout = TimeSpan.FromSeconds(1); });
        using var invocations = test.Collect(AwsLambdaMetricNames.Invocations);

        var e = await Assert.ThrowsAsync<TimeoutException>(() => test.Backend.InvokeAsync(new FunctionInvocation("tiered-node-001", Payload), Timeout()));

        Assert.Contains("'tiered-node-001'", e.Message);
        Assert.Contains(TimeSpan.FromSeconds(1).ToString(), e.Message);
        Assert.Contains("function timeout is " + TimeSpan.FromMilliseconds(500), e.Message);
        Assert.True(server.Requests.Count <= 1, "a timed-out invocation is not retried");
        Assert.Empty(test.Delays);
        Assert.Equal("timeout", Assert.Single(invocations.GetMeasurementSnapshot()).Tags[AwsLambdaMetricNames.OutcomeTag]);
    }

    [Fact]
    public async Task Cancelling_an_invocation_in_flight_is_an_OperationCanceledException()
    {
        var received = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = new LoopbackLambdaServer(async (_, stop) =>
        {
            received.TrySetResult();
            await Task.Delay(TimeSpan.FromMinutes(1), stop);
            return ScriptedResponse.Json(200, "{}");
        });
        using var test = new TestBackend(server);
        using var cancel = new CancellationTokenSource();

        var invocation = test.Backend.InvokeAsync(new FunctionInvocation("tiered-node-001", Payload), cancel.Token);
        await received.Task.WaitAsync(Timeout());
        cancel.Cancel();

        var e = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => invocation);
        Assert.Equal(cancel.Token, e.CancellationToken);
        Assert.Empty(test.Delays);
    }

    [Fact]
    public async Task An_already_cancelled_token_sends_nothing()
    {
        await using var server = LoopbackLambdaServer.Scripted(ScriptedResponse.Json(200, "{}"));
        using var test = new TestBackend(server);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => test.Backend.InvokeAsync(new FunctionInvocation("tiered-node-001", Payload), new CancellationToken(true)));
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task An_Event_invocation_is_accepted_with_202()
    {
        await using var server = LoopbackLambdaServer.Scripted(ScriptedResponse.Empty(202, ("x-amzn-RequestId", "ev-1")));
        using var test = new TestBackend(server);

        var accepted = await test.Backend.InvokeEventAsync("tiered-node-002", Payload, Timeout());

        Assert.Equal(new AwsLambdaEventResult("tiered-node-002", 202, "ev-1"), accepted);
        var request = Assert.Single(server.Requests);
        Assert.Empty(server.SignatureFailures);
        Assert.Equal("Event", request.Header("X-Amz-Invocation-Type"));
        Assert.Null(request.Header("X-Amz-Log-Type"));
        Assert.Equal(Payload, request.Body);
    }

    [Theory]
    [InlineData("$LATEST", "Qualifier=%24LATEST")]
    [InlineData("live", "Qualifier=live")]
    [InlineData("42", "Qualifier=42")]
    public async Task The_qualifier_goes_in_the_query_string(string qualifier, string query)
    {
        await using var server = LoopbackLambdaServer.Scripted(ScriptedResponse.Json(200, "{}"));
        using var test = new TestBackend(server, o => o.Qualifier = qualifier);

        await test.Backend.InvokeAsync(new FunctionInvocation("tiered-node-000", Payload), Timeout());

        var request = Assert.Single(server.Requests);
        Assert.Empty(server.SignatureFailures);
        Assert.Equal("/2015-03-31/functions/tiered-node-000/invocations", request.Path);
        Assert.Equal(query, request.Query);
        Assert.Equal(qualifier, test.Backend.Qualifier);
    }

    [Fact]
    public async Task Function_names_come_from_prefix_and_count()
    {
        await using var server = LoopbackLambdaServer.Scripted(ScriptedResponse.Json(200, "{}"));
        using var test = new TestBackend(server, o => { o.FunctionNamePrefix = "cache-"; o.FunctionCount = 12; });

        Assert.Equal(Enumerable.Range(0, 12).Select(i => $"cache-{i:D3}"), test.Backend.Functions);
        await test.Backend.InvokeAsync(new FunctionInvocation(test.Backend.Functions[11], Payload), Timeout());
        Assert.Equal("/2015-03-31/functions/cache-011/invocations", Assert.Single(server.Requests).Path);
    }

    [Fact]
    public async Task An_ARN_function_name_is_escaped_in_the_path_and_signed_as_sent()
    {
        const string arn = "arn:aws:lambda:us-east-1:123456789012:function:tiered-node-004";
        await using var server = LoopbackLambdaServer.Scripted(ScriptedResponse.Json(200, "{}"));
        using var test = new TestBackend(server, o => { o.FunctionNames = [arn]; o.Qualifier = "$LATEST"; });

        await test.Backend.InvokeAsync(new FunctionInvocation(arn, Payload), Timeout());

        var request = Assert.Single(server.Requests);
        Assert.Empty(server.SignatureFailures);
        Assert.Equal("/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A123456789012%3Afunction%3Atiered-node-004/invocations", request.Path);
        Assert.Equal(arn, request.FunctionName);
    }

    [Fact]
    public async Task A_session_token_is_sent_and_signed()
    {
        const string token = "FwoGZXIvYXdzEXAMPLE+token/with=chars==";
        await using var server = new LoopbackLambdaServer((_, _) => Task.FromResult(ScriptedResponse.Json(200, "{}"))) { ExpectedSessionToken = token };
        using var test = new TestBackend(server, o => o.SessionToken = token);

        await test.Backend.InvokeAsync(new FunctionInvocation("tiered-node-000", Payload), Timeout());

        var request = Assert.Single(server.Requests);
        Assert.Empty(server.SignatureFailures);
        Assert.Equal(token, request.Header("X-Amz-Security-Token"));
        Assert.Contains("x-amz-security-token", request.SignedHeaders.Split(';'));
    }

    [Fact]
    public async Task A_refused_connection_is_retried_then_an_HttpRequestException()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var options = TestBackend.BaseOptions(new Uri($"http://127.0.0.1:{port}/"));
        options.MaxRetries = 2;
        using var test = new TestBackend(options);
        using var retries = test.Collect(AwsLambdaMetricNames.Retries);

        var e = await Assert.ThrowsAsync<HttpRequestException>(() => test.Backend.InvokeAsync(new FunctionInvocation("tiered-node-000", Payload), Timeout()));

        Assert.Equal(HttpRequestError.ConnectionError, e.HttpRequestError);
        Assert.Equal(2, test.Delays.Count);
        Assert.All(retries.GetMeasurementSnapshot(), m => Assert.Equal("connection", m.Tags[AwsLambdaMetricNames.ReasonTag]));
        Assert.Equal(2, retries.GetMeasurementSnapshot().EvaluateAsCounter());
    }

    [Fact]
    public async Task A_disposed_backend_refuses_invocations()
    {
        await using var server = LoopbackLambdaServer.Scripted(ScriptedResponse.Json(200, "{}"));
        var test = new TestBackend(server);
        await test.Backend.DisposeAsync();
        test.Backend.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => test.Backend.InvokeAsync(new FunctionInvocation("tiered-node-000", Payload)));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => test.Backend.InvokeEventAsync("tiered-node-000", Payload));
        Assert.Empty(server.Requests);
        test.Dispose();
    }

    [Fact]
    public async Task Concurrent_invocations_each_hold_a_connection_while_the_function_runs()
    {
        const int concurrent = 24;
        var arrived = 0;
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = new LoopbackLambdaServer(async (request, stop) =>
        {
            if (Interlocked.Increment(ref arrived) == concurrent) all.TrySetResult();
            await all.Task.WaitAsync(stop);   // nobody answers until every invocation is in flight at once
            return ScriptedResponse.Json(200, $$"""{"instanceId":"{{request.FunctionName}}"}""");
        });
        using var test = new TestBackend(server, o => o.FunctionCount = concurrent);

        var results = await Task.WhenAll(test.Backend.Functions.Select(f => test.Backend.InvokeAsync(new FunctionInvocation(f, Payload), Timeout())));

        Assert.Equal(test.Backend.Functions, results.Select(r => r.InstanceId));
        Assert.Empty(server.SignatureFailures);
    }

    [Fact]
    public void The_backend_describes_its_pool_and_limits()
    {
        var options = TestBackend.BaseOptions(new Uri("http://127.0.0.1:9001"));
        options.MemoryMiB = 3008;
        options.Timeout = TimeSpan.FromMinutes(5);
        options.MaxConcurrency = 50;
        using var backend = new AwsLambdaFunctionBackend(options);

        Assert.Equal("aws-lambda", backend.Name);
        Assert.Equal(new FunctionLimits(3008L * 1024 * 1024, TimeSpan.FromMinutes(5), 50), backend.Limits);
        Assert.Equal(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(30), backend.HttpTimeout);
        Assert.Equal(new Uri("http://127.0.0.1:9001/"), backend.Endpoint);
        Assert.Equal(new Uri("http://127.0.0.1:9001/2015-03-31/functions/tiered-node-001/invocations"), backend.InvocationUri("tiered-node-001"));
        Assert.StartsWith("static credentials", backend.CredentialsSource);
    }

    [Fact]
    public void Invalid_options_fail_construction_naming_every_key()
    {
        var e = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => new AwsLambdaFunctionBackend(new AwsLambdaOptions { MemoryMiB = 64 }));
        Assert.Contains(e.Failures, f => f.StartsWith("AwsLambdaOptions.Region is required", StringComparison.Ordinal));
        Assert.Contains(e.Failures, f => f.StartsWith("AwsLambdaOptions.FunctionNames or AwsLambdaOptions.FunctionCount is required", StringComparison.Ordinal));
        Assert.Contains(e.Failures, f => f.StartsWith("AwsLambdaOptions.MemoryMiB must be from 128 to 10240", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AddTieredAwsLambda_registers_the_backend_as_the_IFunctionBackend()
    {
        await using var server = LoopbackLambdaServer.Scripted(ScriptedResponse.Json(200, """{"instanceId":"i-di"}"""));
        var services = new ServiceCollection();
        services.AddTieredAwsLambda(o =>
        {
            var b = TestBackend.BaseOptions(server.Url);
            (o.Region, o.ServiceUrl, o.FunctionCount, o.AccessKeyId, o.SecretAccessKey) = (b.Region, b.ServiceUrl, 4, b.AccessKeyId, b.SecretAccessKey);
        });
        services.AddMetrics();
        await using var provider = services.BuildServiceProvider();

        var backend = Assert.IsType<AwsLambdaFunctionBackend>(provider.GetRequiredService<IFunctionBackend>());
        Assert.Same(backend, provider.GetRequiredService<AwsLambdaFunctionBackend>());
        Assert.Equal(4, backend.Functions.Count);
        Assert.Equal("i-di", (await backend.InvokeAsync(new FunctionInvocation("tiered-node-003", Payload), Timeout())).InstanceId);
    }

    [Fact]
    public void AddTieredAwsLambda_validates_options_on_first_resolution()
    {
        var services = new ServiceCollection();
        services.AddTieredAwsLambda(o => o.FunctionCount = 3);
        using var provider = services.BuildServiceProvider();

        var e = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => provider.GetRequiredService<IFunctionBackend>());
        Assert.Contains("AwsLambdaOptions.Region is required", e.Message);
    }

    private static CancellationToken Timeout(int seconds = 30) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;

    /// <summary>A backend aimed at a loopback server, with static test credentials, its own meter factory and recorded (not waited) retry delays.</summary>
    private sealed class TestBackend : IDisposable
    {
        private readonly ServiceProvider _services;

        public TestBackend(LoopbackLambdaServer server, Action<AwsLambdaOptions>? configure = null) : this(Configure(BaseOptions(server.Url), configure))
        {
        }

        public TestBackend(AwsLambdaOptions options)
        {
            Options = options;
            _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
            MeterFactory = _services.GetRequiredService<IMeterFactory>();
            Backend = new AwsLambdaFunctionBackend(options, meterFactory: MeterFactory)
            {
                DelayAsync = (delay, _) =>
                {
                    Delays.Enqueue(delay);
                    return Task.CompletedTask;
                },
            };
        }

        public AwsLambdaOptions Options { get; }
        public IMeterFactory MeterFactory { get; }
        public AwsLambdaFunctionBackend Backend { get; }
        public ConcurrentQueue<TimeSpan> Delays { get; } = new();

        public static AwsLambdaOptions BaseOptions(Uri url) => new()
        {
            Region = LoopbackLambdaServer.Region,
            ServiceUrl = url.ToString(),
            FunctionCount = 3,
            AccessKeyId = LoopbackLambdaServer.AccessKey,
            SecretAccessKey = LoopbackLambdaServer.SecretKey,
            MaxRetries = 3,
            RetryBaseDelay = TimeSpan.FromMilliseconds(100),
            RetryMaxDelay = TimeSpan.FromSeconds(5),
            ConnectTimeout = TimeSpan.FromSeconds(5),
        };

        public MetricCollector<long> Collect(string instrument) => new(MeterFactory, AwsLambdaMetricNames.MeterName, instrument);

        public void Dispose()
        {
            Backend.Dispose();
            _services.Dispose();
        }

        private static AwsLambdaOptions Configure(AwsLambdaOptions options, Action<AwsLambdaOptions>? configure)
        {
            configure?.Invoke(options);
            return options;
        }
    }
}
