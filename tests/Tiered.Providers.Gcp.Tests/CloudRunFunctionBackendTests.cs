using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Tiered.Functions;
using Tiered.Providers.Gcp.Auth;

namespace Tiered.Providers.Gcp.Tests;

/// <summary>The backend against a loopback function endpoint that checks the bearer token and scripts the answers.</summary>
public sealed class CloudRunFunctionBackendTests
{
    private static readonly byte[] Payload = """{"proxyHost":"127.0.0.1","proxyPort":6381,"nodeId":"tiered-node-001","token":"AAECAw==","kind":"Serve"}"""u8.ToArray();

    [Fact]
    public async Task A_successful_invocation_posts_the_payload_with_the_bearer_token_and_reads_the_instance()
    {
        await using var server = new LoopbackHttpServer((_, _) => Task.FromResult(ScriptedResponse.Summary("inst-7f3a", coldStart: true))) { RequiredBearer = TestBackend.Token };
        using var test = new TestBackend(server, o => o.MemoryMiB = 2048);

        var result = await test.Backend.InvokeAsync(new FunctionInvocation("tiered-node-001", Payload), Timeout());

        Assert.True(result.Succeeded, result.Error);
        Assert.Equal("tiered-node-001", result.FunctionName);
        Assert.Equal("inst-7f3a", result.InstanceId);
        Assert.True(result.ColdStart);
        Assert.Equal(2048L * 1024 * 1024, result.MemoryBytes);
        Assert.Contains("\"outcome\":\"idle\"", Encoding.UTF8.GetString(result.Response.Span));

        var request = Assert.Single(server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/", request.Path);
        Assert.Equal("Bearer " + TestBackend.Token, request.Header("Authorization"));
        Assert.Equal("application/json", request.Header("Content-Type"));
        Assert.Equal(Payload, request.Body);
    }

    [Fact]
    public async Task Billed_duration_is_the_measured_time_rounded_up_to_100_ms()
    {
        await using var server = new LoopbackHttpServer(async (_, stop) =>
        {
            await Task.Delay(30, stop);
            return ScriptedResponse.Summary("i-1");
        });
        using var test = new TestBackend(server, o => o.MemoryMiB = 1024);
        using var billed = test.Collect(CloudRunMetricNames.Invocations);

        var result = await test.Backend.InvokeAsync(new FunctionInvocation("tiered-node-000", Payload, InvocationKind.WarmUp), Timeout());

        Assert.True(result.Duration > TimeSpan.Zero);
        Assert.True(result.BilledDuration >= result.Duration);
        Assert.Equal(0, result.BilledDuration.Ticks % TimeSpan.FromMilliseconds(100).Ticks);
        Assert.True(result.BilledDuration - result.Duration < TimeSpan.FromMilliseconds(100));
        Assert.False(result.ColdStart);
        var invocation = Assert.Single(billed.GetMeasurementSnapshot());
        Assert.Equal("warmup", invocation.Tags[CloudRunMetricNames.KindTag]);
        Assert.Equal("success", invocation.Tags[CloudRunMetricNames.OutcomeTag]);
    }

    [Theory]
    [InlineData(0, 100)]
    [InlineData(1, 100)]
    [InlineData(99.9, 100)]
    [InlineData(100, 100)]
    [InlineData(100.01, 200)]
    [InlineData(2501, 2600)]
    public void Billing_rounds_up_to_the_next_100_ms(double elapsedMs, double billedMs) =>
        Assert.Equal(TimeSpan.FromMilliseconds(billedMs), CloudRunFunctionBackend.Billed(TimeSpan.FromMilliseconds(elapsedMs)));

    [Fact]
    public async Task Without_an_instanceId_in_the_body_the_instance_header_names_the_instance()
    {
        await using var server = LoopbackHttpServer.Scripted(ScriptedResponse.Json(200, "{}", ("X-Tiered-Instance", "from-header")));
        using var test = new TestBackend(server);

        var result = await test.Backend.InvokeAsync(new FunctionInvocation("tiered-node-000", Payload), Timeout());

        Assert.Equal("from-header", result.InstanceId);
    }

    [Fact]
    public async Task A_429_with_Retry_After_is_retried_after_that_long()
    {
        await using var server = LoopbackHttpServer.Scripted(
            ScriptedResponse.GoogleError(429, "Too Many Requests", "Rate exceeded.", ("Retry-After", "2")),
            ScriptedResponse.Summary("i-2"));
        using var test = new TestBackend(server);
        using var throttles = test.Collect(CloudRunMetricNames.Throttles);
        using var retries = test.Collect(CloudRunMetricNames.Retries);

        var result = await test.Backend.InvokeAsync(new FunctionInvocation("tiered-node-000", Payload), Timeout());

        Assert.True(result.Succeeded);
        Assert.Equal("i-2", result.InstanceId);
        Assert.Equal(2, server.Requests.Count);
        Assert.Equal([TimeSpan.FromSeconds(2)], test.Delays);
        Assert.Equal(429, Assert.Single(throttles.GetMeasurementSnapshot()).Tags[CloudRunMetricNames.StatusTag]);
        Assert.Equal("throttled", Assert.Single(retries.GetMeasurementSnapshot()).Tags[CloudRunMetricNames.ReasonTag]);
    }

    [Fact]
    public async Task A_503_no_available_instance_is_retried_with_backoff_and_then_succeeds()
    {
        await using var server = LoopbackHttpServer.Scripted(
            ScriptedResponse.GoogleError(503, "Service Unavailable", "The request failed because the instance could not start successfully."),
            ScriptedResponse.Summary("i-3"));
        using var test = new TestBackend(server);

        var result = await test.Backend.InvokeAsync(new FunctionInvocation("tiered-node-002", Payload), Timeout());

        Assert.True(result.Succeeded);
        Assert.Equal(2, server.Requests.Count);
        Assert.InRange(Assert.Single(test.Delays), TimeSpan.Zero, test.Options.RetryBaseDelay);
    }

    [Fact]
    public async Task Still_503_after_MaxRetries_is_a_FunctionThrottledException_saying_no_instance_was_available()
    {
        await using var server = LoopbackHttpServer.Scripted(
            ScriptedResponse.GoogleError(503, "Service Unavailable", "The request was aborted because there was no available instance."));
        using var test = new TestBackend(server, o => o.MaxRetries = 2);
        using var invocations = test.Collect(CloudRunMetricNames.Invocations);
        using var throttles = test.Collect(CloudRunMetricNames.Throttles);

        var e = await Assert.ThrowsAsync<FunctionThrottledException>(() => test.Backend.InvokeAsync(new FunctionInvocation("tiered-node-001", Payload), Timeout()));

        Assert.Equal("tiered-node-001", e.FunctionName);
        Assert.Contains("after 3 attempt(s)", e.Message);
        Assert.Contains("no instance available", e.Message);
        Assert.Contains("there was no available instance", e.Message);
        var inner = Assert.IsType<CloudRunException>(e.InnerException);
        Assert.Equal(503, inner.StatusCode);
        Assert.Equal(3, server.Requests.Count);
        Assert.Equal(2, test.Delays.Count);
        for (int i = 0; i < test.Delays.Count; i++)
            Assert.InRange(test.Delays.ElementAt(i), TimeSpan.Zero, RetryDelays.BackoffCap(i, test.Options.RetryBaseDelay, test.Options.RetryMaxDelay));
        Assert.Equal(3, throttles.GetMeasurementSnapshot().EvaluateAsCounter());
        Assert.Equal("throttled", Assert.Single(invocations.GetMeasurementSnapshot()).Tags[CloudRunMetricNames.OutcomeTag]);
    }

    [Fact]
    public async Task A_Retry_After_longer_than_RetryMaxDelay_ends_the_retries_at_once()
    {
        await using var server = LoopbackHttpServer.Scripted(ScriptedResponse.GoogleError(429, "Too Many Requests", "Rate exceeded.", ("Retry-After", "120")));
        using var test = new TestBackend(server);

        var e = await Assert.ThrowsAsync<FunctionThrottledException>(() => test.Backend.InvokeAsync(new FunctionInvocation("tiered-node-001", Payload), Timeout()));

        Assert.Single(server.Requests);
        Assert.Empty(test.Delays);
        Assert.Contains("RetryMaxDelay", e.Message);
    }

    [Fact]
    public async Task Platform_500s_are_retried_then_a_CloudRunException_with_the_pages_text()
    {
        await using var server = LoopbackHttpServer.Scripted(ScriptedResponse.GoogleError(500, "Server Error", "The server encountered an error and could not complete your request."));
        using var test = new TestBackend(server, o => o.MaxRetries = 1);
        using var retries = test.Collect(CloudRunMetricNames.Retries);

        var e = await Assert.ThrowsAsync<CloudRunException>(() => test.Backend.InvokeAsync(new FunctionInvocation("tiered-node-000", Payload), Timeout()));

        Assert.Equal(500, e.StatusCode);
        Assert.True(e.IsServerError);
        Assert.Equal("tiered-node-000", e.FunctionName);
        Assert.Contains("could not complete your request", e.ResponseMessage);
        Assert.DoesNotContain("<", e.ResponseMessage);
        Assert.DoesNotContain("color:", e.ResponseMessage);
        Assert.Contains("'tiered-node-000'", e.Message);
        Assert.Equal(2, server.Requests.Count);
        Assert.Equal("server_error", Assert.Single(retries.GetMeasurementSnapshot()).Tags[CloudRunMetricNames.ReasonTag]);
    }

    [Fact]
    public async Task A_504_gateway_timeout_is_retried_and_explained()
    {
        await using var server = LoopbackHttpServer.Scripted(ScriptedResponse.Text(504, "upstream request timeout"));
        using var test = new TestBackend(server, o => o.MaxRetries = 1);

        var e = await Assert.ThrowsAsync<CloudRunException>(() => test.Backend.InvokeAsync(new FunctionInvocation("tiered-node-000", Payload), Timeout()));

        Assert.Equal(504, e.StatusCode);
        Assert.Contains("request timeout", e.Message);
        Assert.Equal("upstream request timeout", e.ResponseMessage);
        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public async Task A_500_the_function_answered_is_a_function_error_result_and_not_retried()
    {
        await using var server = LoopbackHttpServer.Scripted(ScriptedResponse.Json(500,
            """{"error":"Node memory exploded.","type":"InvalidOperationException","instanceId":"i-9"}""", ("X-Tiered-Instance", "i-9")));
        using var test = new TestBackend(server);
        using var errors = test.Collect(CloudRunMetricNames.Errors);

        var result = await test.Backend.InvokeAsync(new FunctionInvocation("tiered-node-000", Payload), Timeout());

        Assert.False(result.Succeeded);
        Assert.Equal("500 Internal Server Error from the function: Node memory exploded.", result.Error);
        Assert.Equal("i-9", result.InstanceId);
        Assert.Single(server.Requests);
        Assert.Empty(test.Delays);
        Assert.Equal("function_error", Assert.Single(errors.GetMeasurementSnapshot()).Tags[CloudRunMetricNames.ErrorTypeTag]);
    }

    [Fact]
    public async Task A_400_bad_payload_from_the_function_is_a_function_error_result()
    {
        await using var server = LoopbackHttpServer.Scripted(ScriptedResponse.Json(400,
            """{"error":"The node invocation has no NodeId.","type":"BadPayload","instanceId":"i-4"}""", ("X-Tiered-Instance", "i-4")));
        using var test = new TestBackend(server);

        var result = await test.Backend.InvokeAsync(new FunctionInvocation("tiered-node-000", Payload), Timeout());

        Assert.Equal("400 Bad Request from the function: The node invocation has no NodeId.", result.Error);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task A_401_fetches_a_fresh_token_once_then_is_a_CloudRunAuthorizationException_naming_the_audience()
    {
        var tokens = new RecordingTokenSource();
        await using var server = LoopbackHttpServer.Scripted(ScriptedResponse.GoogleError(401, "Unauthorized", "Your client does not have permission to the requested URL."));
        using var test = new TestBackend(server, tokens: tokens);
        using var invocations = test.Collect(CloudRunMetricNames.Invocations);

        var e = await Assert.ThrowsAsync<CloudRunAuthorizationException>(() => test.Backend.InvokeAsync(new FunctionInvocation("tiered-node-001", Payload), Timeout()));

        string audience = server.Url.ToString().TrimEnd('/');
        Assert.Equal(401, e.StatusCode);
        Assert.Equal(audience, e.Audience);
        Assert.Equal("the test token source", e.CredentialSource);
        Assert.Contains($"audience '{audience}'", e.Message);
        Assert.Contains("the test token source", e.Message);
        Assert.Contains("custom audiences", e.Message);
        Assert.Equal(2, server.Requests.Count);
        Assert.Equal(2, tokens.Calls);                         // the second try had a fresh token
        Assert.NotEqual(server.Requests.First().Bearer, server.Requests.Last().Bearer);
        Assert.Empty(test.Delays);
        Assert.Equal("unauthorized", Assert.Single(invocations.GetMeasurementSnapshot()).Tags[CloudRunMetricNames.OutcomeTag]);
    }

    [Fact]
    public async Task A_401_with_a_static_token_is_not_retried()
    {
        await using var server = new LoopbackHttpServer((_, _) => Task.FromResult(ScriptedResponse.Summary("never"))) { RequiredBearer = "another-token" };
        using var test = new TestBackend(server);

        var e = await Assert.ThrowsAsync<CloudRunAuthorizationException>(() => test.Backend.InvokeAsync(new FunctionInvocation("tiered-node-001", Payload), Timeout()));

        Assert.Equal("a static token", e.CredentialSource);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task A_403_is_a_CloudRunAuthorizationException_about_run_invoker_at_once()
    {
        var tokens = new RecordingTokenSource();
        await using var server = LoopbackHttpServer.Scripted(ScriptedResponse.GoogleError(403, "Forbidden", "Your client does not have permission to get URL <code>/</code> from this server."));
        using var test = new TestBackend(server, tokens: tokens);

        var e = await Assert.ThrowsAsync<CloudRunAuthorizationException>(() => test.Backend.InvokeAsync(new FunctionInvocation("tiered-node-002", Payload), Timeout()));

        Assert.Equal(403, e.StatusCode);
        Assert.Contains("roles/run.invoker", e.Message);
        Assert.Contains("does not have permission to get URL / from this server", e.Message);
        Assert.Single(server.Requests);
        Assert.Null(test.Backend.Tokens.Cached(e.Audience));   // a refused token is not kept
    }

    [Fact]
    public async Task A_404_is_a_CloudRunException_at_once()
    {
        await using var server = LoopbackHttpServer.Scripted(ScriptedResponse.GoogleError(404, "Page not found", "The requested URL was not found on this server."));
        using var test = new TestBackend(server);

        var e = await Assert.ThrowsAsync<CloudRunException>(() => test.Backend.InvokeAsync(new FunctionInvocation("tiered-node-000", Payload), Timeout()));

        Assert.Equal(404, e.StatusCode);
        Assert.False(e.IsServerError);
        Assert.Contains("check the URL pattern", e.Message);
        Assert.Single(server.Requests);
        Assert.Empty(test.Delays);
    }

    [Fact]
    public async Task An_answer_slower_than_the_HTTP_timeout_is_a_TimeoutException_naming_the_function()
    {
        await using var server = new LoopbackHttpServer(async (_, stop) =>
        {
            await Task.Delay(TimeSpan.FromMinutes(1), stop);   // far beyond the HTTP timeout; ends when the server stops
            return ScriptedResponse.Summary("late");
        });
        using var test = new TestBackend(server, o => { o.Timeout = TimeSpan.FromMilliseconds(500); o.HttpTimeout = TimeSpan.FromSeconds(1); });
        using var invocations = test.Collect(CloudRunMetricNames.Invocations);

        var e = await Assert.ThrowsAsync<TimeoutException>(() => test.Backend.InvokeAsync(new FunctionInvocation("tiered-node-001", Payload), Timeout()));

        Assert.Contains("'tiered-node-001'", e.Message);
        Assert.Contains(TimeSpan.FromSeconds(1).ToString(), e.Message);
        Assert.True(server.Requests.Count <= 1, "a timed-out invocation is not retried");
        Assert.Empty(test.Delays);
        Assert.Equal("timeout", Assert.Single(invocations.GetMeasurementSnapshot()).Tags[CloudRunMetricNames.OutcomeTag]);
    }

    [Fact]
    public async Task Cancelling_an_invocation_in_flight_is_an_OperationCanceledException()
    {
        var received = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = new LoopbackHttpServer(async (_, stop) =>
        {
            received.TrySetResult();
            await Task.Delay(TimeSpan.FromMinutes(1), stop);
            return ScriptedResponse.Summary("late");
        });
        using var test = new TestBackend(server);
        using var cancel = new CancellationTokenSource();

        var invocation = test.Backend.InvokeAsync(new FunctionInvocation("tiered-node-001", Payload), cancel.Token);
        await received.Task.WaitAsync(Timeout());
        cancel.Cancel();

        var e = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => invocation);
        Assert.Equal(cancel.Token, e.CancellationToken);
    }

    [Fact]
    public async Task An_already_cancelled_token_sends_nothing()
    {
        await using var server = LoopbackHttpServer.Scripted(ScriptedResponse.Summary("i"));
        using var test = new TestBackend(server);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => test.Backend.InvokeAsync(new FunctionInvocation("tiered-node-001", Payload), new CancellationToken(true)));
        Assert.Empty(server.Requests);
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
        using var retries = test.Collect(CloudRunMetricNames.Retries);

        var e = await Assert.ThrowsAsync<HttpRequestException>(() => test.Backend.InvokeAsync(new FunctionInvocation("tiered-node-000", Payload), Timeout()));

        Assert.Equal(HttpRequestError.ConnectionError, e.HttpRequestError);
        Assert.Equal(2, test.Delays.Count);
        Assert.Equal(2, retries.GetMeasurementSnapshot().EvaluateAsCounter());
    }

    [Fact]
    public async Task A_token_that_cannot_be_had_is_a_GcpCredentialsException_and_nothing_is_sent()
    {
        var tokens = new RecordingTokenSource { Failure = new GcpCredentialsException("No Google credentials from the test.") };
        await using var server = LoopbackHttpServer.Scripted(ScriptedResponse.Summary("i"));
        using var test = new TestBackend(server, tokens: tokens);
        using var invocations = test.Collect(CloudRunMetricNames.Invocations);

        var e = await Assert.ThrowsAsync<GcpCredentialsException>(() => test.Backend.InvokeAsync(new FunctionInvocation("tiered-node-000", Payload), Timeout()));

        Assert.Contains("No Google credentials", e.Message);
        Assert.Empty(server.Requests);
        Assert.Equal("credentials_error", Assert.Single(invocations.GetMeasurementSnapshot()).Tags[CloudRunMetricNames.OutcomeTag]);
    }

    [Fact]
    public async Task Tokens_are_minted_per_audience_and_reused_across_invocations()
    {
        var tokens = new RecordingTokenSource();
        await using var server = LoopbackHttpServer.Scripted(ScriptedResponse.Summary("i"));
        using var test = new TestBackend(server, o =>
        {
            o.FunctionUrls.Clear();
            foreach (var name in new[] { "tiered-node-000", "tiered-node-001" }) o.FunctionUrls[name] = new Uri(server.Url, name).ToString();
        }, tokens);
        using var fetches = test.Collect(CloudRunMetricNames.TokenFetches);

        for (int i = 0; i < 3; i++)
            foreach (var function in test.Backend.Functions)
                await test.Backend.InvokeAsync(new FunctionInvocation(function, Payload), Timeout());

        string a0 = new Uri(server.Url, "tiered-node-000").ToString(), a1 = new Uri(server.Url, "tiered-node-001").ToString();
        Assert.Equal([a0, a1], tokens.Audiences.Order());
        Assert.Equal(2, fetches.GetMeasurementSnapshot().EvaluateAsCounter());
        Assert.Equal(["/tiered-node-000", "/tiered-node-001"], server.Requests.Select(r => r.Path).Distinct().Order());
        var byPath = server.Requests.GroupBy(r => r.Path).ToDictionary(g => g.Key, g => g.Select(r => r.Bearer).Distinct().Single());
        Assert.NotEqual(byPath["/tiered-node-000"], byPath["/tiered-node-001"]);
        Assert.Equal(a0, test.Backend.AudienceOf("tiered-node-000"));
    }

    [Fact]
    public async Task An_Audience_override_is_what_tokens_are_minted_for()
    {
        var tokens = new RecordingTokenSource();
        await using var server = LoopbackHttpServer.Scripted(ScriptedResponse.Summary("i"));
        using var test = new TestBackend(server, o => o.Audience = "https://tiered.example.com/{name}", tokens);

        await test.Backend.InvokeAsync(new FunctionInvocation("tiered-node-002", Payload), Timeout());

        Assert.Equal("https://tiered.example.com/tiered-node-002", Assert.Single(tokens.Audiences));
    }

    [Fact]
    public async Task Concurrent_invocations_each_hold_a_connection_while_the_function_runs()
    {
        const int concurrent = 16;
        var arrived = 0;
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = new LoopbackHttpServer(async (request, stop) =>
        {
            if (Interlocked.Increment(ref arrived) == concurrent) all.TrySetResult();
            await all.Task.WaitAsync(stop);   // nobody answers until every invocation is in flight at once
            return ScriptedResponse.Summary(request.Path.Trim('/'));
        });
        using var test = new TestBackend(server, o =>
        {
            o.FunctionUrls.Clear();
            for (int i = 0; i < concurrent; i++) o.FunctionUrls[$"tiered-node-{i:D3}"] = new Uri(server.Url, $"tiered-node-{i:D3}").ToString();
        });

        var results = await Task.WhenAll(test.Backend.Functions.Select(f => test.Backend.InvokeAsync(new FunctionInvocation(f, Payload), Timeout())));

        Assert.Equal(test.Backend.Functions, results.Select(r => r.InstanceId));
    }

    [Fact]
    public async Task A_function_outside_the_pool_is_an_ArgumentException()
    {
        await using var server = LoopbackHttpServer.Scripted(ScriptedResponse.Summary("i"));
        using var test = new TestBackend(server);

        var e = await Assert.ThrowsAsync<ArgumentException>(() => test.Backend.InvokeAsync(new FunctionInvocation("tiered-node-999", Payload), Timeout()));
        Assert.Contains("'tiered-node-999' is not a function of this Cloud Run pool", e.Message);
    }

    [Fact]
    public async Task A_disposed_backend_refuses_invocations()
    {
        await using var server = LoopbackHttpServer.Scripted(ScriptedResponse.Summary("i"));
        var test = new TestBackend(server);
        await test.Backend.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => test.Backend.InvokeAsync(new FunctionInvocation("tiered-node-000", Payload)));
        Assert.Empty(server.Requests);
        test.Dispose();
    }

    [Fact]
    public void The_backend_describes_its_pool_and_limits()
    {
        using var backend = new CloudRunFunctionBackend(new CloudRunFunctionOptions
        {
            UrlPattern = "https://{name}-{projectNumber}.{region}.run.app",
            FunctionCount = 12,
            Region = "europe-west1",
            ProjectNumber = "123456789012",
            MemoryMiB = 4096,
            Timeout = TimeSpan.FromMinutes(30),
            MaxConcurrency = 5,
            StaticIdToken = "t",
        });

        Assert.Equal("gcp-cloud-run", backend.Name);
        Assert.Equal(new FunctionLimits(4096L * 1024 * 1024, TimeSpan.FromMinutes(30), 5), backend.Limits);
        Assert.Equal(TimeSpan.FromMinutes(30) + TimeSpan.FromSeconds(30), backend.HttpTimeout);
        Assert.Equal(Enumerable.Range(0, 12).Select(i => $"tiered-node-{i:D3}"), backend.Functions);
        Assert.Equal(new Uri("https://tiered-node-011-123456789012.europe-west1.run.app/"), backend.FunctionUrl("tiered-node-011"));
        Assert.Equal("https://tiered-node-011-123456789012.europe-west1.run.app", backend.AudienceOf("tiered-node-011"));
        Assert.Equal("a static token", backend.CredentialSource);
    }

    [Fact]
    public void A_cloudfunctions_net_pattern_gives_each_function_its_path_and_audience()
    {
        using var backend = new CloudRunFunctionBackend(new CloudRunFunctionOptions
        {
            UrlPattern = "https://{region}-{project}.cloudfunctions.net/{name}",
            FunctionNames = ["cache-a", "cache-b"],
            Region = "us-central1",
            ProjectId = "my-project",
            StaticIdToken = "t",
        });

        Assert.Equal(["cache-a", "cache-b"], backend.Functions);
        Assert.Equal(new Uri("https://us-central1-my-project.cloudfunctions.net/cache-b"), backend.FunctionUrl("cache-b"));
        Assert.Equal("https://us-central1-my-project.cloudfunctions.net/cache-b", backend.AudienceOf("cache-b"));
    }

    [Fact]
    public void Invalid_options_fail_construction_naming_every_key()
    {
        var e = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => new CloudRunFunctionBackend(new CloudRunFunctionOptions { MemoryMiB = 64 }));
        Assert.Contains(e.Failures, f => f.StartsWith("CloudRunFunctionOptions.FunctionUrls or CloudRunFunctionOptions.UrlPattern is required", StringComparison.Ordinal));
        Assert.Contains(e.Failures, f => f.StartsWith("CloudRunFunctionOptions.FunctionNames or CloudRunFunctionOptions.FunctionCount is required", StringComparison.Ordinal));
        Assert.Contains(e.Failures, f => f.StartsWith("CloudRunFunctionOptions.MemoryMiB must be from 128 to 32768", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AddTieredCloudRunFunctions_registers_the_backend_as_the_IFunctionBackend()
    {
        await using var server = new LoopbackHttpServer((_, _) => Task.FromResult(ScriptedResponse.Summary("i-di"))) { RequiredBearer = "di-token" };
        var services = new ServiceCollection();
        services.AddTieredCloudRunFunctions(o =>
        {
            o.UrlPattern = server.Url + "{name}";
            o.FunctionCount = 4;
            o.StaticIdToken = "di-token";
        });
        services.AddMetrics();
        await using var provider = services.BuildServiceProvider();

        var backend = Assert.IsType<CloudRunFunctionBackend>(provider.GetRequiredService<IFunctionBackend>());
        Assert.Same(backend, provider.GetRequiredService<CloudRunFunctionBackend>());
        Assert.Equal(4, backend.Functions.Count);
        Assert.Equal("i-di", (await backend.InvokeAsync(new FunctionInvocation("tiered-node-003", Payload), Timeout())).InstanceId);
        Assert.Equal("/tiered-node-003", Assert.Single(server.Requests).Path);
    }

    [Fact]
    public async Task AddTieredCloudRunFunctions_uses_a_registered_token_source()
    {
        await using var server = LoopbackHttpServer.Scripted(ScriptedResponse.Summary("i"));
        var tokens = new RecordingTokenSource();
        var services = new ServiceCollection();
        services.AddSingleton<IIdTokenSource>(tokens);
        services.AddTieredCloudRunFunctions(o => o.FunctionUrls["only"] = server.Url.ToString());
        await using var provider = services.BuildServiceProvider();

        var backend = provider.GetRequiredService<CloudRunFunctionBackend>();
        await backend.InvokeAsync(new FunctionInvocation("only", Payload), Timeout());

        Assert.Equal("the test token source", backend.CredentialSource);
        Assert.Equal(1, tokens.Calls);
        Assert.StartsWith("call-1", Encoding.UTF8.GetString(Convert.FromBase64String(Pad(Assert.Single(server.Requests).Bearer!.Split('.')[1]))).Split("\"email\":\"")[1]);
    }

    [Fact]
    public void AddTieredCloudRunFunctions_validates_options_on_first_resolution()
    {
        var services = new ServiceCollection();
        services.AddTieredCloudRunFunctions(o => o.FunctionCount = 3);
        using var provider = services.BuildServiceProvider();

        var e = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => provider.GetRequiredService<IFunctionBackend>());
        Assert.Contains("CloudRunFunctionOptions.FunctionUrls or CloudRunFunctionOptions.UrlPattern is required", e.Message);
    }

    private static string Pad(string base64Url)
    {
        string s = base64Url.Replace('-', '+').Replace('_', '/');
        return s + new string('=', (4 - s.Length % 4) % 4);
    }

    private static CancellationToken Timeout(int seconds = 30) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;
}
