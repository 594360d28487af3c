using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Tiered.LambdaEmulator;
using Tiered.Nodes;
using Tiered.Protocol;

namespace Tiered.Functions.Lambda.Tests;

/// <summary>The real bootstrap (Hosts/Tiered.Functions.Lambda) as child processes of the emulator.</summary>
public sealed class BootstrapTests
{
    private static Task<Harness> NodesAsync(Action<LambdaEmulatorOptions>? configure = null) => Harness.StartAsync(o =>
    {
        o.BootstrapPath = Functions.Bootstrap;
        o.FunctionNames.Add("tiered-node-000");
        configure?.Invoke(o);
    });

    private static string NodePayload(int proxyPort, string nodeId = "node-7", byte[]? token = null) => System.Text.Encoding.UTF8.GetString(new NodeInvocation
    {
        ProxyHost = "127.0.0.1",
        ProxyPort = proxyPort,
        NodeId = nodeId,
        Token = token ?? [1, 2, 3, 4],
        IdleTimeout = TimeSpan.FromSeconds(30),
    }.ToJson());

    /// <summary>A port nothing listens on (the node's dial-back fails at once and it returns "dial-failed").</summary>
    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [Fact]
    public async Task Node_invocation_dials_back_to_the_proxy_says_hello_and_returns_its_summary()
    {
        await using var harness = await NodesAsync();
        using var proxy = new TcpListener(IPAddress.Loopback, 0);
        proxy.Start();
        int port = ((IPEndPoint)proxy.LocalEndpoint).Port;

        var invoke = harness.InvokeAsync("tiered-node-000", NodePayload(port, "node-7", [9, 8, 7]));
        using (var socket = await proxy.AcceptSocketAsync().WaitAsync(Harness.Patience))
        {
            await using var connection = FrameConnection.FromSocket(socket);
            using var hello = await connection.ReadFrameAsync().AsTask().WaitAsync(Harness.Patience);
            Assert.NotNull(hello);
            Assert.Equal(FrameOpcode.Hello, hello.Opcode);
            await connection.SkipPayloadAsync();
            var header = hello.ReadHeader<NodeHello>();
            Assert.Equal("node-7", header.NodeId);
            Assert.Equal(new byte[] { 9, 8, 7 }, header.Token);
            var instance = Assert.Single(harness.Emulator.Instances);
            Assert.Equal(instance.InstanceId, header.InstanceId); // AWS_LAMBDA_LOG_STREAM_NAME is the node's instance id
            Assert.Equal(0, header.ChunkCount);
            Assert.Equal((long)(128L * 1024 * 1024 * 0.8), header.MemoryBytes);
            await connection.WriteFrameAsync(FrameOpcode.Welcome, 0, new NodeWelcome { ProxyId = "test-proxy" });
        } // the proxy closes the connection: the node returns

        var result = await invoke;
        var summary = result.Ok();
        Assert.Equal("node-7", summary.GetProperty("nodeId").GetString());
        Assert.Equal("proxy-closed", summary.GetProperty("outcome").GetString());
        Assert.Equal(Assert.Single(harness.Emulator.Instances).InstanceId, summary.GetProperty("instanceId").GetString());
        Assert.Equal("$LATEST", result.Header("X-Amz-Executed-Version"));
        Assert.NotNull(result.Header("x-amzn-RequestId"));
    }

    [Fact]
    public async Task A_bad_payload_is_an_unhandled_ArgumentException_and_the_same_instance_serves_the_next_invocation()
    {
        await using var harness = await NodesAsync();

        var bad = await harness.InvokeAsync("tiered-node-000", "this is not JSON");
        var error = bad.Unhandled();
        Assert.Equal("ArgumentException", error.GetProperty("errorType").GetString());
        Assert.Contains("not valid JSON", error.GetProperty("errorMessage").GetString());
        Assert.True(error.GetProperty("stackTrace").GetArrayLength() > 0);
        var first = Assert.Single(harness.Emulator.Instances);

        var good = await harness.InvokeAsync("tiered-node-000", NodePayload(ClosedPort()));
        var summary = good.Ok();
        Assert.Equal("dial-failed", summary.GetProperty("outcome").GetString());
        var second = Assert.Single(harness.Emulator.Instances);
        Assert.Equal(first.InstanceId, second.InstanceId);
        Assert.Equal(first.Pid, second.Pid);
        Assert.Equal(first.InstanceId, summary.GetProperty("instanceId").GetString());
        Assert.Equal(2, second.Invocations);
    }

    [Fact]
    public async Task A_warm_instance_keeps_its_id_and_its_REPORT_line_has_no_init_duration()
    {
        await using var harness = await NodesAsync();
        string payload = NodePayload(ClosedPort());

        var cold = await harness.InvokeAsync("tiered-node-000", payload, tail: true);
        var warm = await harness.InvokeAsync("tiered-node-000", payload, tail: true);

        Assert.Equal(cold.Ok().GetProperty("instanceId").GetString(), warm.Ok().GetProperty("instanceId").GetString());
        string coldReport = ReportLine(cold.Log);
        string warmReport = ReportLine(warm.Log);
        Assert.Matches(@"^REPORT RequestId: [0-9a-f-]{36}\tDuration: \d+\.\d\d ms\tBilled Duration: \d+ ms\tMemory Size: 128 MB\tMax Memory Used: \d+ MB\tInit Duration: \d+\.\d\d ms\t$", coldReport);
        Assert.Matches(@"^REPORT RequestId: [0-9a-f-]{36}\tDuration: \d+\.\d\d ms\tBilled Duration: \d+ ms\tMemory Size: 128 MB\tMax Memory Used: \d+ MB\t$", warmReport);
        Assert.Contains($"REPORT RequestId: {warm.Header("x-amzn-RequestId")}\t", warmReport);
        Assert.Contains($"START RequestId: {warm.Header("x-amzn-RequestId")} Version: $LATEST", warm.Log);
        Assert.Contains($"END RequestId: {warm.Header("x-amzn-RequestId")}", warm.Log);
    }

    [Fact]
    public async Task A_bad_node_setting_in_the_environment_is_an_init_error_and_the_environment_is_dropped()
    {
        await using var harness = await NodesAsync(o => o.Environment["TIERED_NODE_STORAGE_FRACTION"] = "2");
        var exits = new List<LambdaInstanceExit>();
        harness.Emulator.InstanceExited += (_, e) => { lock (exits) exits.Add(e); };

        var result = await harness.InvokeAsync("tiered-node-000", NodePayload(ClosedPort()));
        var error = result.Unhandled();
        Assert.Equal("Runtime.InitError", error.GetProperty("errorType").GetString());
        Assert.Contains("Runtime.ConfigurationError", error.GetProperty("errorMessage").GetString());
        Assert.Contains("TIERED_NODE_STORAGE_FRACTION '2'", error.GetProperty("errorMessage").GetString());

        var usage = harness.Emulator.GetUsage();
        Assert.Equal(1, usage.Failed);
        Assert.Empty(harness.Emulator.Instances);
    }

    [Fact]
    public async Task Without_the_Runtime_API_the_bootstrap_exits_non_zero_with_a_clear_message()
    {
        var start = new ProcessStartInfo(DotnetHost.Find()) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add(Functions.Bootstrap);
        foreach (string key in start.Environment.Keys.Where(k => k.StartsWith("AWS_", StringComparison.Ordinal)).ToArray()) start.Environment.Remove(key);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(Harness.Patience);

        Assert.NotEqual(0, process.ExitCode);
        Assert.Contains("AWS_LAMBDA_RUNTIME_API is not set", await stderr);
    }

    [Fact]
    public async Task SIGTERM_ends_an_idle_bootstrap_with_exit_code_0()
    {
        if (OperatingSystem.IsWindows()) return;
        await using var harness = await NodesAsync();
        await harness.InvokeAsync("tiered-node-000", NodePayload(ClosedPort()));
        var instance = Assert.Single(harness.Emulator.Instances);

        Assert.Equal(0, Kill(instance.Pid, 15));
        var exit = await harness.Emulator.WaitForInstanceExitAsync(instance.InstanceId).WaitAsync(Harness.Patience);

        Assert.Equal(LambdaInstanceExitReason.Exited, exit.Reason);
        Assert.Equal(0, exit.ExitCode);
        Assert.Empty(harness.Emulator.Instances);
    }

    private static string ReportLine(string log)
        => log.Split('\n').Single(line => line.StartsWith("REPORT ", StringComparison.Ordinal));

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
