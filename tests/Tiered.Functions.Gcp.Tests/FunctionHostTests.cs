using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Tiered.Nodes;

namespace Tiered.Functions.Gcp.Tests;

/// <summary>The GCP function host as a real process: the Cloud Run contract (PORT, POST /, /healthz, SIGTERM), errors, concurrency, logs.</summary>
public sealed class FunctionHostTests
{
    private const string Bearer = "host-test-bearer";

    private static HttpClient Http() => new(new SocketsHttpHandler { UseProxy = false }) { Timeout = Patience.Step };

    private static HttpRequestMessage Post(HostProcess host, string body, string? bearer = Bearer)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, host.Url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (bearer is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        return request;
    }

    private static string Payload(int proxyPort, string nodeId = "tiered-node-000") =>
        new NodeInvocation { ProxyHost = "127.0.0.1", ProxyPort = proxyPort, NodeId = nodeId, Token = [1, 2, 3, 4], IdleTimeout = TimeSpan.FromSeconds(5) }.ToJson() is var json
            ? Encoding.UTF8.GetString(json) : "";

    /// <summary>Accepts a node's dial-back and waits until its Hello has begun to arrive (the node is past connecting).</summary>
    private static async Task<Socket> AcceptHelloAsync(TcpListener proxy)
    {
        var socket = await proxy.AcceptSocketAsync(Patience.Token());
        var first = new byte[1];
        Assert.Equal(1, await socket.ReceiveAsync(first, SocketFlags.None, Patience.Token()));
        return socket;
    }

    [Fact]
    public async Task Healthz_describes_the_instance_and_every_answer_names_it()
    {
        await using var host = await HostProcess.StartAsync("tiered-node-007", new Dictionary<string, string> { ["TIERED_MEMORY_MIB"] = "384" });
        using var http = Http();

        using var response = await http.GetAsync(new Uri(host.Url, "healthz"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var health = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("ok", health.RootElement.GetProperty("status").GetString());
        Assert.Equal("tiered-node-007", health.RootElement.GetProperty("function").GetString());
        Assert.Equal(384, health.RootElement.GetProperty("memoryMiB").GetInt32());
        Assert.Equal(0, health.RootElement.GetProperty("chunks").GetInt32());
        string instance = health.RootElement.GetProperty("instanceId").GetString()!;
        Assert.Equal(32, instance.Length);
        Assert.Equal(instance, response.Headers.GetValues("X-Tiered-Instance").Single());
    }

    [Fact]
    public async Task A_bad_payload_is_a_400_with_a_message()
    {
        await using var host = await HostProcess.StartAsync("tiered-node-000", new Dictionary<string, string> { ["TIERED_REQUIRED_BEARER"] = Bearer });
        using var http = Http();

        foreach (var (body, expected) in new[]
        {
            ("{not json", "not valid JSON"),
            ("""{"proxyHost":"127.0.0.1","proxyPort":0,"nodeId":"n","token":"AQID"}""", "ProxyPort 0 is not a TCP port"),
            ("""{"proxyHost":"127.0.0.1","proxyPort":6381,"nodeId":"","token":"AQID"}""", "has no NodeId"),
        })
        {
            using var response = await http.SendAsync(Post(host, body));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
            using var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.Equal("BadPayload", error.RootElement.GetProperty("type").GetString());
            Assert.Contains(expected, error.RootElement.GetProperty("error").GetString());
            Assert.Equal(host.InstanceId, error.RootElement.GetProperty("instanceId").GetString());
            Assert.Equal(host.InstanceId, response.Headers.GetValues("X-Tiered-Instance").Single());
        }
    }

    [Fact]
    public async Task Without_the_required_bearer_token_a_POST_is_a_401()
    {
        await using var host = await HostProcess.StartAsync("tiered-node-000", new Dictionary<string, string> { ["TIERED_REQUIRED_BEARER"] = Bearer });
        using var http = Http();

        foreach (var bearer in new[] { null, "wrong", Bearer + "x" })
        {
            using var response = await http.SendAsync(Post(host, Payload(6381), bearer));
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        }
        using var health = await http.GetAsync(new Uri(host.Url, "healthz"));   // /healthz needs no token
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task Concurrent_requests_run_at_once_on_the_one_node_of_the_instance()
    {
        const int concurrent = 6;
        await using var host = await HostProcess.StartAsync("tiered-node-003", new Dictionary<string, string> { ["TIERED_REQUIRED_BEARER"] = Bearer });
        // A stand-in for the proxy's node port that accepts dial-backs and never welcomes them: each invocation stays in flight.
        using var proxy = new TcpListener(IPAddress.Loopback, 0);
        proxy.Start();
        int port = ((IPEndPoint)proxy.LocalEndpoint).Port;
        using var http = Http();

        var invocations = Enumerable.Range(0, concurrent).Select(i => http.SendAsync(Post(host, Payload(port, $"tiered-node-{i:D3}")))).ToArray();
        var dialled = new List<Socket>();
        for (int i = 0; i < concurrent; i++) dialled.Add(await AcceptHelloAsync(proxy));

        using (var health = await http.GetAsync(new Uri(host.Url, "healthz")))
        using (var state = JsonDocument.Parse(await health.Content.ReadAsStringAsync()))
            Assert.Equal(concurrent, state.RootElement.GetProperty("inFlight").GetInt32());

        foreach (var socket in dialled) socket.Dispose();   // the "proxy" hangs up: every node returns
        var responses = await Task.WhenAll(invocations).WaitAsync(Patience.Step);
        var instances = new HashSet<string>();
        int cold = 0;
        foreach (var response in responses)
        {
            using (response)
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                var summary = NodeInvocationSummary.FromJson(await response.Content.ReadAsByteArrayAsync())!;
                Assert.Contains(summary.Outcome, new[] { "refused", "connection-lost" });   // closed before (or while) the node read the welcome
                instances.Add(summary.InstanceId);
                if (response.Headers.TryGetValues("X-Tiered-Cold-Start", out var values) && values.Single() == "true") cold++;
            }
        }
        Assert.Equal([host.InstanceId], instances);
        Assert.Equal(1, cold);   // only the first request met a cold instance
    }

    [Fact]
    public async Task SIGTERM_ends_in_flight_requests_and_the_process_exits_cleanly_with_JSON_line_logs()
    {
        await using var host = await HostProcess.StartAsync("tiered-node-001");
        using var proxy = new TcpListener(IPAddress.Loopback, 0);
        proxy.Start();
        using var http = Http();
        var invocation = http.SendAsync(Post(host, Payload(((IPEndPoint)proxy.LocalEndpoint).Port), bearer: null));
        using var dialled = await AcceptHelloAsync(proxy);   // the node has dialled back and waits for the welcome

        host.Terminate();

        using (var response = await invocation.WaitAsync(Patience.Step))
        {
            // The node was told to stop and returned at once, saying so.
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("cancelled", NodeInvocationSummary.FromJson(await response.Content.ReadAsByteArrayAsync())!.Outcome);
        }
        Assert.Equal(0, await host.WaitForExitAsync());

        var lines = host.Output.ToArray();
        Assert.NotEmpty(lines);
        foreach (var line in lines)
        {
            using var entry = JsonDocument.Parse(line);   // every line is one JSON object, as Cloud Logging reads them
            Assert.False(string.IsNullOrEmpty(entry.RootElement.GetProperty("severity").GetString()));
            Assert.False(string.IsNullOrEmpty(entry.RootElement.GetProperty("message").GetString()));
            Assert.Equal("tiered-node-001", entry.RootElement.GetProperty("function").GetString());
        }
        Assert.Contains(lines, l => l.Contains("listening on 127.0.0.1:" + host.Port, StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("Shutting down instance", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_bad_environment_exits_1_naming_the_variables()
    {
        var start = new System.Diagnostics.ProcessStartInfo
        {
            FileName = Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : "dotnet",
            UseShellExecute = false,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        start.ArgumentList.Add(HostProcess.HostDll);
        start.Environment["PORT"] = "99999";
        start.Environment["TIERED_MEMORY_MIB"] = "lots";
        using var process = System.Diagnostics.Process.Start(start)!;
        string errors = await process.StandardError.ReadToEndAsync(Patience.Token());
        await process.WaitForExitAsync(Patience.Token());

        Assert.Equal(1, process.ExitCode);
        using var entry = JsonDocument.Parse(errors.Trim());
        Assert.Equal("CRITICAL", entry.RootElement.GetProperty("severity").GetString());
        string message = entry.RootElement.GetProperty("message").GetString()!;
        Assert.Contains("PORT '99999' is not a TCP port", message);
        Assert.Contains("TIERED_MEMORY_MIB 'lots'", message);
    }
}
