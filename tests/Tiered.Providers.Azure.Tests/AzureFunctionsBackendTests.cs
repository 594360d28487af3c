using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Options;
using Tiered.Functions;

namespace Tiered.Providers.Azure.Tests;

/// <summary>The backend against a loopback server playing the function apps: requests, results, retries, errors, keys, metrics.</summary>
public sealed class AzureFunctionsBackendTests
{
    private const string Key = "tiered-test-function-key==";

    private static readonly byte[] Payload = """{"proxyHost":"127.0.0.1","proxyPort":6381,"nodeId":"tiered-node-001","token":"AAECAw==","kind":"Serve"}"""u8.ToArray();

    private const string Summary = """{"nodeId":"tiered-node-001","instanceId":"4f0c-p1a2b3c4d","outcome":"idle","commandsServed":3,"chunksHeld":1,"bytesHeld":10}""";

    [Fact]
    public async Task A_successful_invocation_posts_the_payload_with_the_key_and_reads_instance_cold_start_and_billing()
    {
        await using var server = LoopbackFunctionServer.Scripted(ScriptedResponse.Json(200, Summary,
            ("Content-Type", "application/json"), ("X-Tiered-Cold-Start", "true"), ("X-Tiered-Instance", "4f0c-p1a2b3c4d"), ("X-Tiered-Invocation-Id", "inv-1")));
        using var test = new TestBackend(server);

        var result = await test.Backend.InvokeAsync(new FunctionInvocation("tiered-node-001", Payload), Timeout());

        Assert.True(result.Succeeded, result.Error);
        Assert.Equal("tiered-node-001", result.FunctionName);
        Assert.Equal("4f0c-p1a2b3c4d", result.InstanceId);
        Assert.True(result.ColdStart);
        Assert.True(result.Duration > TimeSpan.Zero);
        Assert.Equal(TimeSpan.FromSeconds(1), result.BilledDuration);   // Flex Consumption: at least 1 s
        Assert.Equal(2048L * 1024 * 1024, result.MemoryBytes);
        Assert.Equal(2.0, result.BilledGbSeconds, 9);
        Assert.Equal(Summary, Encoding.UTF8.GetString(result.Response.Span));

        var request = Assert.Single(server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/tiered-node-001/api/node", request.Path);
        Assert.Equal(Key, request.Header("x-functions-key"));
        Assert.Equal("application/json", request.Header("Content-Type"));
        Assert.StartsWith("Tiered.Providers.Azure/", request.Header("User-Agent"));
        Assert.Equal(Payload, request.Body);
    }

    [Fact]
    public async Task A_warm_instance_without_a_cold_start_header_and_the_instance_only_in_the_header()
    {
        await using var server = LoopbackFunctionServer.Scripted(ScriptedResponse.Json(200, "{}", ("X-Tiered-Instance", "i-9")));
        using var test = new TestBackend(server, o => o.MemoryMiB = 4096);

        var result = await test.Backend.InvokeAsync(new FunctionInvocation("tiered-node-000", Payload, InvocationKind.WarmUp), Timeout());

        Assert.False(result.ColdStart);
        Assert.Equal("i-9", result.InstanceId);
        Assert.Equal(4096L * 1024 * 1024, result.MemoryBytes);
    }

    [Theory]
    [InlineData(0, 1000)]
    [InlineData(999, 1000)]
    [InlineData(1000, 1000)]
    [InlineData(1001, 1100)]
    [InlineData(2450, 2500)]
    [InlineData(229_999, 230_000)]
    public void Flex_Consumption_bills_at_least_a_second_then_in_100_ms_steps(int ms, int billedMs)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(billedMs), AzureFunctionsBilling.BilledDuration(AzureFunctionsPlan.FlexConsumption, TimeSpan.FromMilliseconds(ms)));
        Assert.Equal(TimeSpan.Zero, AzureFunctionsBilling.BilledDuration(AzureFunctionsPlan.Premium, TimeSpan.FromMilliseconds(ms)));
    }

    [Fact]
    public async Task On_Premium_an_invocation_bills_nothing_of_its_own()
    {
        await using var server = LoopbackFunctionServer.Scripted(ScriptedResponse.Json(200, Summary));
        using var test = new TestBackend(server, o => { o.Plan = AzureFunctionsPlan.Premium; o.MemoryMiB = 3584; });
        using var gbSeconds = test.Collect<double>(AzureFunctionsMetricNames.BilledGbSeconds);

        var result = await test.Backend.InvokeAsync(new FunctionInvocation("tiered-node-001", Payload), Timeout());

        Assert.Equal(TimeSpan.Zero, result.BilledDuration);
        Assert.Equal(0, result.BilledGbSeconds);
        Assert.Equal(0, Assert.Single(gbSeconds.GetMeasurementSnapshot()).Value);
        Assert.Equal(AzureFunctionsPlan.Premium, test.Backend.Plan);
    }

    [Fact]
    public async Task A_function_error_is_a_result_with_the_functions_error_type_and_message_and_is_not_retried()
    {
        await using var server = LoopbackFunctionServer.Scripted(ScriptedResponse.Json(400,
            """{"errorType":"ArgumentException","errorMessage":"The node invocation payload is not valid JSON: 'x' is an invalid start of a value.","instanceId":"i-3"}""",
            ("X-Tiered-Function-Error", "ArgumentException"), ("X-Tiered-Instance", "i-3")));
        using var test = new TestBackend(server);
        using var errors = test.Collect<long>(AzureFunctionsMetricNames.Errors);
        using var invocations = test.Collect<long>(AzureFunctionsMetricNames.Invocations);

        var result = await test.Backend.InvokeAsync(new FunctionInvocation("tiered-node-001", "x"u8.ToArray()), Timeout());

        Assert.False(result.Succeeded);
        Assert.Equal("ArgumentException: The node invocation payload is not valid JSON: 'x' is an invalid start of a value.", result.Error);
        Assert.Equal("i-3", result.InstanceId);
        Assert.Single(server.Requests);
        Assert.Equal("ArgumentException", Assert.Single(errors.GetMeasurementSnapshot()).Tags[AzureFunctionsMetricNames.ErrorTypeTag]);
        Assert.Equal("function_error", Assert.Single(invocations.GetMeasurementSnapshot()).Tags[AzureFunctionsMetricNames.OutcomeTag]);
    }

    [Fact]
    public async Task A_500_the_function_marked_as_its_own_is_a_function_error_not_a_platform_retry()
    {
        await using var server = LoopbackFunctionServer.Scripted(ScriptedResponse.Json(500,
            """{"errorType":"InvalidOperationException","errorMessage":"boom"}""", ("X-Tiered-Function-Error", "InvalidOperationException")));
        using var test = new TestBackend(server);

        var result = await test.Backend.InvokeAsync(new FunctionInvocation("tiered-node-001", Payload), Timeout());

        Assert.Equal("InvalidOperationException: boom", result.Error);
        Assert.Single(server.Requests);
        Assert.Empty(test.Delays);
    }

    [Fact]
    public async Task A_429_with_Retry_After_seconds_is_retried_after_that_long()
    {
        await using var server = LoopbackFunctionServer.Scripted(
            ScriptedResponse.Text(429, "Too many requests", ("Retry-After", "2")),
            ScriptedResponse.Json(200, Summary));
        using var test = new TestBackend(server);
        using var throttles = test.Collect<long>(AzureFunctionsMetricNames.Throttles);
        using var retries = test.Collect<long>(AzureFunctionsMetricNames.Retries);

        var result = await test.Backend.InvokeAsync(new FunctionInvocation("tiered-node-001", Payload), Timeout());

        Assert.True(result.Succeeded);
        Assert.Equal([TimeSpan.FromSeconds(2)], test.Delays);
        Assert.Equal(2, server.Requests.Count);
        Assert.Equal(429, Assert.Single(throttles.GetMeasurementSnapshot()).Tags[AzureFunctionsMetricNames.StatusTag]);
        Assert.Equal("throttled", Assert.Single(retries.GetMeasurementSnapshot()).Tags[AzureFunctionsMetricNames.ReasonTag]);
    }

    [Fact]
    public async Task A_503_without_Retry_After_backs_off_with_full_jitter_and_ends_in_FunctionThrottledException()
    {
        await using var server = LoopbackFunctionServer.Scripted(ScriptedResponse.Text(503, "<html><head><title>Service Unavailable</title></head><body>The function host is not running.</body></html>"));
        using var test = new TestBackend(server, o => { o.MaxRetries = 4; o.RetryBaseDelay = TimeSpan.FromMilliseconds(100); o.RetryMaxDelay = TimeSpan.FromMilliseconds(300); });
        using var invocations = test.Collect<long>(AzureFunctionsMetricNames.Invocations);

        var e = await Assert.ThrowsAsync<FunctionThrottledException>(() => test.Backend.InvokeAsync(new FunctionInvocation("tiered-node-002", Payload), Timeout()));

        Assert.Equal("tiered-node-002", e.FunctionName);
        Assert.Equal(5, server.Requests.Count);
        Assert.Equal(4, test.Delays.Count);
        double[] caps = [100, 200, 300, 300];
        for (int i = 0; i < 4; i++) Assert.InRange(test.Delays[i].TotalMilliseconds, 0, caps[i]);
        var inner = Assert.IsType<AzureFunctionsException>(e.InnerException);
        Assert.Equal(503, inner.StatusCode);
        Assert.Equal("Service Unavailable", inner.Detail);
        Assert.Contains("answered 503 Service Unavailable: Service Unavailable after 5 attempt(s)", e.Message);
        Assert.Contains(server.Url + "tiered-node-002/api/node", e.Message);
        Assert.Equal("throttled", Assert.Single(invocations.GetMeasurementSnapshot()).Tags[AzureFunctionsMetricNames.OutcomeTag]);
    }

    [Fact]
    public async Task A_Retry_After_longer_than_RetryMaxDelay_gives_up_at_once()
    {
        await using var server = LoopbackFunctionServer.Scripted(ScriptedResponse.Empty(429, ("Retry-After", "120")));
        using var test = new TestBackend(server);

        var e = await Assert.ThrowsAsync<FunctionThrottledException>(() => test.Backend.InvokeAsync(new FunctionInvocation("tiered-node-001", Payload), Timeout()));

        Assert.Single(server.Requests);
        Assert.Empty(test.Delays);
        Assert.Contains("the app asked to retry after 00:02:00, more than RetryMaxDelay (00:00:20)", e.Message);
    }

    [Fact]
    public async Task A_500_is_retried_then_succeeds()
    {
        await using var server = LoopbackFunctionServer.Scripted(ScriptedResponse.Empty(500), ScriptedResponse.Empty(502), ScriptedResponse.Json(200, Summary));
        using var test = new TestBackend(server);

        var result = await test.Backend.InvokeAsync(new FunctionInvocation("tiered-node-001", Payload), Timeout());

        Assert.True(result.Succeeded);
        Assert.Equal(3, server.Requests.Count);
        Assert.Equal(2, test.Delays.Count);
    }

    [Fact]
    public async Task Server_errors_that_persist_end_in_a_clear_AzureFunctionsException()
    {
        await using var server = LoopbackFunctionServer.Scripted(ScriptedResponse.Json(500, """{"message":"An error has occurred."}"""));
        using var test = new TestBackend(server, o => o.MaxRetries = 2);
        using var retries = test.Collect<long>(AzureFunctionsMetricNames.Retries);

        var e = await Assert.ThrowsAsync<AzureFunctionsException>(() => test.Backend.InvokeAsync(new FunctionInvocation("tiered-node-001", Payload), Timeout()));

        Assert.Equal(500, e.StatusCode);
        Assert.True(e.IsServerError);
        Assert.False(e.IsKeyRejected);
        Assert.Equal(new Uri(server.Url, "tiered-node-001/api/node"), e.FunctionUrl);
        Assert.Equal(3, server.Requests.Count);
        Assert.All(retries.GetMeasurementSnapshot(), m => Assert.Equal("server_error", m.Tags[AzureFunctionsMetricNames.ReasonTag]));
        Assert.Equal($"Azure function 'tiered-node-001' at {e.FunctionUrl} answered 500 Internal Server Error: An error has occurred. after 3 attempt(s). " +
            "The platform failed (not the node function, which marks its own errors): see the app's logs in Application Insights.", e.Message);
    }

    [Fact]
    public async Task A_refused_configured_key_is_a_401_exception_about_the_key_that_never_shows_it()
    {
        await using var server = LoopbackFunctionServer.Scripted(ScriptedResponse.Json(200, Summary));
        server.RequiredKey = "the-right-key";
        using var test = new TestBackend(server);
        using var retries = test.Collect<long>(AzureFunctionsMetricNames.Retries);

        var e = await Assert.ThrowsAsync<AzureFunctionsException>(() => test.Backend.InvokeAsync(new FunctionInvocation("tiered-node-001", Payload), Timeout()));

        Assert.Equal(401, e.StatusCode);
        Assert.True(e.IsKeyRejected);
        Assert.Single(server.Requests);   // a configured key cannot change: no second try
        Assert.Empty(retries.GetMeasurementSnapshot());
        Assert.StartsWith($"Azure function 'tiered-node-001' refused its function key (401 Unauthorized at {server.Url}tiered-node-001/api/node): " +
            "the key from configuration (FunctionKey) is not a function key of the app 'tiered-node-001''s node function nor one of its host keys. " +
            "List the valid keys with 'az functionapp function keys list -g <group> -n tiered-node-001 --function-name node'.", e.Message);
        Assert.Contains("Tiered:Backend:Azure:FunctionKey", e.Message);
        Assert.DoesNotContain(Key, e.Message);
    }

    [Fact]
    public async Task A_403_names_the_stopped_app_access_restrictions_and_the_key()
    {
        await using var server = LoopbackFunctionServer.Scripted(ScriptedResponse.Text(403, "<html><head><title>Error 403 - This web app is stopped.</title></head></html>"));
        using var test = new TestBackend(server);

        var e = await Assert.ThrowsAsync<AzureFunctionsException>(() => test.Backend.InvokeAsync(new FunctionInvocation("tiered-node-004", Payload), Timeout()));

        Assert.Equal(403, e.StatusCode);
        Assert.Single(server.Requests);
        Assert.Contains($"Azure function 'tiered-node-004' answered 403 Forbidden at {server.Url}tiered-node-004/api/node: Error 403 - This web app is stopped.: " +
            "the app 'tiered-node-004' is stopped or disabled, its access restrictions", e.Message);
        Assert.Contains("az functionapp start -g <group> -n tiered-node-004", e.Message);
    }

    [Fact]
    public async Task A_404_names_the_function_url_and_what_to_check()
    {
        await using var server = LoopbackFunctionServer.Scripted(ScriptedResponse.Empty(404));
        using var test = new TestBackend(server);

        var e = await Assert.ThrowsAsync<AzureFunctionsException>(() => test.Backend.InvokeAsync(new FunctionInvocation("tiered-node-003", Payload), Timeout()));

        Assert.Equal(404, e.StatusCode);
        Assert.Single(server.Requests);
        Assert.Equal($"There is no function at {server.Url}tiered-node-003/api/node (404 Not Found): check that the function app 'tiered-node-003' exists " +
            "and is running, that the Tiered node worker is deployed to it ('func azure functionapp publish tiered-node-003'), and the route " +
            "(RoutePrefix 'api', FunctionRoute 'node').", e.Message);
    }

    [Fact]
    public async Task Another_4xx_without_the_function_error_header_is_refused_at_once()
    {
        await using var server = LoopbackFunctionServer.Scripted(ScriptedResponse.Text(413, "Request Entity Too Large"));
        using var test = new TestBackend(server);

        var e = await Assert.ThrowsAsync<AzureFunctionsException>(() => test.Backend.InvokeAsync(new FunctionInvocation("tiered-node-001", Payload), Timeout()));

        Assert.Equal(413, e.StatusCode);
        Assert.Single(server.Requests);
        Assert.Contains("refused the invocation: 413 Payload Too Large", e.Message);
    }

    [Fact]
    public async Task No_answer_within_HttpTimeout_is_a_TimeoutException_naming_the_function_and_its_url()
    {
        await using var server = LoopbackFunctionServer.Scripted(ScriptedResponse.Json(200, Summary) with { Delay = TimeSpan.FromSeconds(30) });
        using var test = new TestBackend(server, o => { o.Timeout = TimeSpan.FromMilliseconds(500); o.HttpTimeout = TimeSpan.FromSeconds(1); });
        using var errors = test.Collect<long>(AzureFunctionsMetricNames.Errors);

        var e = await Assert.ThrowsAsync<TimeoutException>(() => test.Backend.InvokeAsync(new FunctionInvocation("tiered-node-005", Payload), Timeout()));

        Assert.Contains($"Azure function 'tiered-node-005' at {server.Url}tiered-node-005/api/node did not complete within 00:00:01", e.Message);
        Assert.Contains("230 s", e.Message);
        Assert.Single(server.Requests);   // the function may be running: not retried
        Assert.Equal("timeout", Assert.Single(errors.GetMeasurementSnapshot()).Tags[AzureFunctionsMetricNames.ErrorTypeTag]);
    }

    [Fact]
    public async Task Cancellation_is_an_OperationCanceledException_carrying_the_callers_token()
    {
        await using var server = LoopbackFunctionServer.Scripted(ScriptedResponse.Json(200, Summary) with { Delay = TimeSpan.FromSeconds(30) });
        using var test = new TestBackend(server);
        using var cancel = new CancellationTokenSource();

        var call = test.Backend.InvokeAsync(new FunctionInvocation("tiered-node-001", Payload), cancel.Token);
        while (server.Requests.IsEmpty) await Task.Delay(10);
        cancel.Cancel();

        var e = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        Assert.Equal(cancel.Token, e.CancellationToken);
    }

    [Fact]
    public async Task A_refused_connection_is_retried_then_an_HttpRequestException_naming_the_url()
    {
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }
        using var test = new TestBackend($"http://127.0.0.1:{port}/{{app}}", o => o.MaxRetries = 2);
        using var retries = test.Collect<long>(AzureFunctionsMetricNames.Retries);

        var e = await Assert.ThrowsAsync<HttpRequestException>(() => test.Backend.InvokeAsync(new FunctionInvocation("tiered-node-001", Payload), Timeout()));

        Assert.Equal(HttpRequestError.ConnectionError, e.HttpRequestError);
        Assert.StartsWith($"Could not reach Azure function 'tiered-node-001' at http://127.0.0.1:{port}/tiered-node-001/api/node after 3 attempt(s)", e.Message);
        Assert.Equal(2, test.Delays.Count);
        Assert.Equal(2, retries.GetMeasurementSnapshot().Count(m => (string?)m.Tags[AzureFunctionsMetricNames.ReasonTag] == "connection"));
    }

    [Fact]
    public async Task A_key_from_a_secret_store_is_read_once_and_read_again_when_an_app_refuses_it()
    {
        await using var server = LoopbackFunctionServer.Scripted(ScriptedResponse.Json(200, Summary));
        server.RequiredKey = "rotated-key";
        var secrets = new FakeSecretSource().With("tiered-node-key", "old-key", "rotated-key");
        using var test = new TestBackend(server, keys: FunctionKeyProvider.FromSecrets(secrets, "tiered-node-key"));
        using var refreshes = test.Collect<long>(AzureFunctionsMetricNames.KeyRefreshes);

        var first = await test.Backend.InvokeAsync(new FunctionInvocation("tiered-node-001", Payload), Timeout());
        var second = await test.Backend.InvokeAsync(new FunctionInvocation("tiered-node-002", Payload), Timeout());

        Assert.True(first.Succeeded && second.Succeeded);
        Assert.Equal(["old-key", "rotated-key", "rotated-key"], server.Requests.Select(r => r.Header("x-functions-key")));
        Assert.Equal(["tiered-node-key", "tiered-node-key"], secrets.Reads);   // once, then once more after the 401
        Assert.Empty(test.Delays);                                             // the refresh is not a backoff
        Assert.Equal("tiered-node-001", Assert.Single(refreshes.GetMeasurementSnapshot()).Tags[AzureFunctionsMetricNames.FunctionTag]);
        Assert.Equal("the secret 'tiered-node-key' in the fake vault", test.Backend.KeySource);
    }

    [Fact]
    public async Task A_key_still_refused_after_reading_it_again_is_a_401_exception_saying_so()
    {
        await using var server = LoopbackFunctionServer.Scripted(ScriptedResponse.Json(200, Summary));
        server.RequiredKey = "never";
        var secrets = new FakeSecretSource().With("tiered-node-key", "wrong");
        using var test = new TestBackend(server, keys: FunctionKeyProvider.FromSecrets(secrets, "tiered-node-key"));

        var e = await Assert.ThrowsAsync<AzureFunctionsException>(() => test.Backend.InvokeAsync(new FunctionInvocation("tiered-node-001", Payload), Timeout()));

        Assert.Equal(401, e.StatusCode);
        Assert.Equal(2, server.Requests.Count);
        Assert.Contains("the key from the secret 'tiered-node-key' in the fake vault", e.Message);
        Assert.Contains("it was read again from its store after the first 401 and was still refused", e.Message);
    }

    [Fact]
    public async Task One_secret_per_app_with_the_function_placeholder()
    {
        await using var server = new LoopbackFunctionServer((request, _) => Task.FromResult(
            request.Header("x-functions-key") == "key-of-" + request.App ? ScriptedResponse.Json(200, Summary) : ScriptedResponse.Empty(401)));
        var secrets = new FakeSecretSource().With("tiered-node-000-key", "key-of-tiered-node-000").With("tiered-node-001-key", "key-of-tiered-node-001");
        using var test = new TestBackend(server, o => o.FunctionCount = 2, keys: FunctionKeyProvider.FromSecrets(secrets, "{function}-key"));

        Assert.True((await test.Backend.InvokeAsync(new FunctionInvocation("tiered-node-000", Payload), Timeout())).Succeeded);
        Assert.True((await test.Backend.InvokeAsync(new FunctionInvocation("tiered-node-001", Payload), Timeout())).Succeeded);
        Assert.True((await test.Backend.InvokeAsync(new FunctionInvocation("tiered-node-000", Payload), Timeout())).Succeeded);

        Assert.Equal(["tiered-node-000-key", "tiered-node-001-key"], secrets.Reads);
    }

    [Fact]
    public async Task A_secret_store_that_fails_is_an_AzureFunctionKeyException_nothing_is_sent_and_the_next_call_asks_again()
    {
        await using var server = LoopbackFunctionServer.Scripted(ScriptedResponse.Json(200, Summary));
        var secrets = new FakeSecretSource { Failure = new AzureFunctionKeyException("The vault refused: 403 Forbidden.") }.With("k", "good");
        using var test = new TestBackend(server, keys: FunctionKeyProvider.FromSecrets(secrets, "k"));
        using var invocations = test.Collect<long>(AzureFunctionsMetricNames.Invocations);

        var e = await Assert.ThrowsAsync<AzureFunctionKeyException>(() => test.Backend.InvokeAsync(new FunctionInvocation("tiered-node-001", Payload), Timeout()));
        Assert.Equal("The vault refused: 403 Forbidden.", e.Message);
        Assert.Empty(server.Requests);
        Assert.Equal("key_error", Assert.Single(invocations.GetMeasurementSnapshot()).Tags[AzureFunctionsMetricNames.OutcomeTag]);

        secrets.Failure = null;
        Assert.True((await test.Backend.InvokeAsync(new FunctionInvocation("tiered-node-001", Payload), Timeout())).Succeeded);
        Assert.Equal(2, secrets.Reads.Count);
        Assert.Equal("good", Assert.Single(server.Requests).Header("x-functions-key"));
    }

    [Fact]
    public async Task Concurrent_invocations_share_one_secret_read()
    {
        await using var server = LoopbackFunctionServer.Scripted(ScriptedResponse.Json(200, Summary));
        var secrets = new FakeSecretSource { Latency = TimeSpan.FromMilliseconds(200) }.With("k", "shared");
        using var test = new TestBackend(server, o => o.FunctionCount = 8, keys: FunctionKeyProvider.FromSecrets(secrets, "k"));

        await Task.WhenAll(test.Backend.Functions.Select(f => test.Backend.InvokeAsync(new FunctionInvocation(f, Payload), Timeout())));

        Assert.Single(secrets.Reads);
        Assert.Equal(8, server.Requests.Count(r => r.Header("x-functions-key") == "shared"));
    }

    [Fact]
    public async Task Per_function_keys_from_configuration_override_the_shared_one()
    {
        await using var server = LoopbackFunctionServer.Scripted(ScriptedResponse.Json(200, Summary));
        using var test = new TestBackend(server, o => { o.FunctionCount = 2; o.FunctionKeys["tiered-node-001"] = "own-key"; });

        await test.Backend.InvokeAsync(new FunctionInvocation("tiered-node-000", Payload), Timeout());
        await test.Backend.InvokeAsync(new FunctionInvocation("tiered-node-001", Payload), Timeout());

        Assert.Equal([Key, "own-key"], server.Requests.Select(r => r.Header("x-functions-key")));
        Assert.Equal("configuration (FunctionKeys, else FunctionKey)", test.Backend.KeySource);
    }

    [Fact]
    public async Task Without_a_key_against_a_local_host_no_key_header_is_sent()
    {
        await using var server = LoopbackFunctionServer.Scripted(ScriptedResponse.Json(200, Summary));
        using var test = new TestBackend(server, o => o.FunctionKey = null);

        await test.Backend.InvokeAsync(new FunctionInvocation("tiered-node-001", Payload), Timeout());

        Assert.Null(Assert.Single(server.Requests).Header("x-functions-key"));
        Assert.Equal("no key (a local host that does not check keys)", test.Backend.KeySource);
    }

    [Fact]
    public async Task One_app_with_many_nodes_posts_to_the_node_route_with_the_name()
    {
        await using var server = LoopbackFunctionServer.Scripted(ScriptedResponse.Json(200, Summary));
        using var test = new TestBackend(server, o => { o.AppName = "tiered-dev"; o.FunctionNames = ["alpha", "beta"]; });

        await test.Backend.InvokeAsync(new FunctionInvocation("beta", Payload), Timeout());

        Assert.Equal("/tiered-dev/api/node/beta", Assert.Single(server.Requests).Path);
        Assert.Equal(["alpha", "beta"], test.Backend.Functions);
    }

    [Fact]
    public async Task Metrics_count_a_success_with_its_kind_and_cold_start_and_the_billed_GB_seconds()
    {
        await using var server = LoopbackFunctionServer.Scripted(ScriptedResponse.Json(200, Summary, ("X-Tiered-Cold-Start", "true")));
        using var test = new TestBackend(server);
        using var invocations = test.Collect<long>(AzureFunctionsMetricNames.Invocations);
        using var billed = test.Collect<double>(AzureFunctionsMetricNames.BilledDuration);
        using var gbSeconds = test.Collect<double>(AzureFunctionsMetricNames.BilledGbSeconds);

        await test.Backend.InvokeAsync(new FunctionInvocation("tiered-node-001", Payload, InvocationKind.Backup), Timeout());

        var invocation = Assert.Single(invocations.GetMeasurementSnapshot());
        Assert.Equal("tiered-node-001", invocation.Tags[AzureFunctionsMetricNames.FunctionTag]);
        Assert.Equal("backup", invocation.Tags[AzureFunctionsMetricNames.KindTag]);
        Assert.Equal("success", invocation.Tags[AzureFunctionsMetricNames.OutcomeTag]);
        Assert.Equal(true, invocation.Tags[AzureFunctionsMetricNames.ColdStartTag]);
        Assert.Equal(1.0, Assert.Single(billed.GetMeasurementSnapshot()).Value);
        Assert.Equal(2.0, Assert.Single(gbSeconds.GetMeasurementSnapshot()).Value, 9);
    }

    [Fact]
    public async Task A_disposed_backend_refuses_invocations_and_disposing_twice_is_fine()
    {
        await using var server = LoopbackFunctionServer.Scripted(ScriptedResponse.Json(200, Summary));
        var test = new TestBackend(server);
        test.Dispose();
        await test.Backend.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => test.Backend.InvokeAsync(new FunctionInvocation("tiered-node-001", Payload)));
    }

    [Fact]
    public void The_backend_exposes_its_pool_limits_and_urls()
    {
        using var backend = new AzureFunctionsBackend(new AzureFunctionsOptions { FunctionCount = 3, FunctionKey = Key, MemoryMiB = 4096, Timeout = TimeSpan.FromSeconds(200), MaxConcurrency = 40 });

        Assert.Equal("azure-functions", backend.Name);
        Assert.Equal(["tiered-node-000", "tiered-node-001", "tiered-node-002"], backend.Functions);
        Assert.Equal(new FunctionLimits(4096L * 1024 * 1024, TimeSpan.FromSeconds(200), 40, StorageFraction: 0.6), backend.Limits);
        Assert.Equal(TimeSpan.FromSeconds(230), backend.HttpTimeout);
        Assert.Equal(new Uri("https://tiered-node-001.azurewebsites.net/api/node"), backend.FunctionUrl("tiered-node-001"));
        Assert.Equal(new Uri("https://other.azurewebsites.net/api/node"), backend.FunctionUrl("other"));
    }

    [Fact]
    public void Invalid_options_fail_the_constructor_naming_every_key()
    {
        var e = Assert.Throws<OptionsValidationException>(() => new AzureFunctionsBackend(new AzureFunctionsOptions { MemoryMiB = 1536, Timeout = TimeSpan.FromMinutes(5) }));

        Assert.Contains("AzureFunctionsOptions.FunctionNames or AzureFunctionsOptions.FunctionCount is required", e.Message);
        Assert.Contains("AzureFunctionsOptions.MemoryMiB must be one of the FlexConsumption instance sizes: 512, 2048, 4096 (was 1536).", e.Message);
        Assert.Contains("AzureFunctionsOptions.Timeout must be positive and at most 00:03:50", e.Message);
        Assert.Contains("AzureFunctionsOptions.FunctionKey is required", e.Message);
    }

    [Fact]
    public async Task AddTieredAzureFunctions_registers_the_backend_with_a_registered_key_provider_and_meter_factory()
    {
        await using var server = LoopbackFunctionServer.Scripted(ScriptedResponse.Json(200, Summary));
        var secrets = new FakeSecretSource().With("from-di", "di-key");
        var services = new ServiceCollection();
        services.AddMetrics();
        services.AddSingleton<ISecretSource>(secrets);
        services.AddTieredAzureFunctions(o =>
        {
            o.BaseUrl = server.BaseUrl;
            o.FunctionCount = 2;
            o.KeyVaultUri = "https://contoso-tiered.vault.azure.net/";
            o.KeyVaultSecretName = "from-di";
        });
        await using var provider = services.BuildServiceProvider();

        var backend = provider.GetRequiredService<IFunctionBackend>();
        Assert.Same(provider.GetRequiredService<AzureFunctionsBackend>(), backend);
        await backend.InvokeAsync(new FunctionInvocation("tiered-node-000", Payload), Timeout());

        Assert.Equal("di-key", Assert.Single(server.Requests).Header("x-functions-key"));
        Assert.Equal("the secret 'from-di' in the fake vault", ((AzureFunctionsBackend)backend).KeySource);
    }

    [Fact]
    public void AddTieredAzureFunctions_prefers_a_registered_key_provider_and_validates_on_first_resolution()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IFunctionKeyProvider>(FunctionKeyProvider.Configured("from-provider"));
        services.AddTieredAzureFunctions(o => o.FunctionCount = 2);
        using var provider = services.BuildServiceProvider();
        Assert.Equal("configuration (FunctionKey)", provider.GetRequiredService<AzureFunctionsBackend>().KeySource);

        var bad = new ServiceCollection().AddTieredAzureFunctions(o => o.FunctionCount = 0).BuildServiceProvider();
        var e = Assert.Throws<OptionsValidationException>(() => bad.GetRequiredService<IFunctionBackend>());
        Assert.Contains("AzureFunctionsOptions.FunctionNames or AzureFunctionsOptions.FunctionCount is required", e.Message);
        bad.Dispose();
    }

    private static CancellationToken Timeout(int seconds = 60) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;

    /// <summary>A backend pointed at a test server with retry delays recorded instead of waited, and its own meter factory.</summary>
    private sealed class TestBackend : IDisposable
    {
        private readonly ServiceProvider _meters = new ServiceCollection().AddMetrics().BuildServiceProvider();

        public TestBackend(LoopbackFunctionServer server, Action<AzureFunctionsOptions>? configure = null, IFunctionKeyProvider? keys = null)
            : this(server.BaseUrl, configure, keys)
        {
        }

        public TestBackend(string baseUrl, Action<AzureFunctionsOptions>? configure = null, IFunctionKeyProvider? keys = null)
        {
            var options = new AzureFunctionsOptions { BaseUrl = baseUrl, FunctionCount = 8, FunctionKey = Key };
            configure?.Invoke(options);
            MeterFactory = _meters.GetRequiredService<IMeterFactory>();
            Backend = new AzureFunctionsBackend(options, keys, meterFactory: MeterFactory)
            {
                DelayAsync = (delay, _) =>
                {
                    lock (Delays) Delays.Add(delay);
                    return Task.CompletedTask;
                },
            };
        }

        public AzureFunctionsBackend Backend { get; }
        public IMeterFactory MeterFactory { get; }
        public List<TimeSpan> Delays { get; } = [];

        public MetricCollector<T> Collect<T>(string instrument) where T : struct =>
            new(MeterFactory, AzureFunctionsMetricNames.MeterName, instrument);

        public void Dispose()
        {
            Backend.Dispose();
            _meters.Dispose();
        }
    }
}
