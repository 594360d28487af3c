using System.Text;
using System.Text.Json;
using Tiered.Nodes;
using Tiered.Protocol;

namespace Tiered.Functions.Azure.Tests;

/// <summary>
/// The node behaviour every host must have (as the Lambda bootstrap's tests check it), run through <see cref="NodeFunction"/>,
/// the class the HTTP trigger adapts: dial back, Hello/Welcome, chunk commands, summary, errors, warm memory.
/// </summary>
public sealed class NodeFunctionTests
{
    internal static NodeWorkerSettings Settings(string instanceId = "instance-1", int memoryMiB = 512, TimeSpan? timeout = null, FunctionNodeOptions? node = null) => new()
    {
        FunctionName = "contoso-tiered-007",
        InstanceId = instanceId,
        MemoryMiB = memoryMiB,
        FunctionTimeout = timeout ?? TimeSpan.FromSeconds(230),
        NodeOptions = node ?? new FunctionNodeOptions { StorageFraction = NodeWorkerSettings.DefaultStorageFraction },
    };

    private static JsonElement Json(NodeResponse response) => JsonDocument.Parse(response.Body).RootElement.Clone();

    [Fact]
    public async Task A_node_invocation_dials_back_says_hello_serves_chunks_and_returns_its_summary()
    {
        using var proxy = new ProxyPlayer();
        var function = new NodeFunction(Settings());

        var invoke = function.InvokeAsync(proxy.Payload("tiered-node-007", [9, 8, 7]), "invocation-1");
        var (connection, hello) = await proxy.AcceptAsync();
        await using (connection)
        {
            Assert.Equal("tiered-node-007", hello.NodeId);
            Assert.Equal(new byte[] { 9, 8, 7 }, hello.Token);
            Assert.Equal("instance-1", hello.InstanceId);
            Assert.Equal(0, hello.ChunkCount);
            Assert.Equal((long)(512L * 1024 * 1024 * 0.6), hello.MemoryBytes);
            await connection.WriteFrameAsync(FrameOpcode.Welcome, 0, new NodeWelcome { ProxyId = "test-proxy" });

            var chunk = Encoding.UTF8.GetBytes("a chunk of an object");
            Assert.Equal(chunk.Length, await connection.SetChunkAsync(1, "photo", 3, 2, chunk));
            Assert.Equal(chunk, await connection.GetChunkAsync(2, "photo", 3, 2));
            Assert.Null(await connection.GetChunkAsync(3, "photo", 3, 1));
        } // the proxy closes the connection: the node returns

        var response = await invoke.WaitAsync(ProxyPlayer.Patience);
        Assert.Equal(200, response.StatusCode);
        Assert.Null(response.ErrorType);
        Assert.True(response.ColdStart);
        Assert.Equal("invocation-1", response.InvocationId);
        var summary = Json(response);
        Assert.Equal("tiered-node-007", summary.GetProperty("nodeId").GetString());
        Assert.Equal("instance-1", summary.GetProperty("instanceId").GetString());
        Assert.Equal("proxy-closed", summary.GetProperty("outcome").GetString());
        Assert.Equal(3, summary.GetProperty("commandsServed").GetInt32());
        Assert.Equal(1, summary.GetProperty("chunksHeld").GetInt32());
        Assert.Equal(20, summary.GetProperty("bytesHeld").GetInt64());
        Assert.Equal(
            [new("X-Tiered-Instance", "instance-1"), new("X-Tiered-Cold-Start", "true"), new KeyValuePair<string, string>("X-Tiered-Invocation-Id", "invocation-1")],
            response.Headers());
    }

    [Fact]
    public async Task A_bad_payload_is_a_400_with_the_ArgumentException_message_and_the_same_instance_serves_the_next_invocation()
    {
        var function = new NodeFunction(Settings());

        var bad = await function.InvokeAsync("this is not JSON"u8.ToArray());
        Assert.Equal(400, bad.StatusCode);
        Assert.Equal("ArgumentException", bad.ErrorType);
        var error = Json(bad);
        Assert.Equal("ArgumentException", error.GetProperty("errorType").GetString());
        Assert.StartsWith("The node invocation payload is not valid JSON:", error.GetProperty("errorMessage").GetString());
        Assert.Equal("instance-1", error.GetProperty("instanceId").GetString());
        Assert.Contains(new KeyValuePair<string, string>("X-Tiered-Function-Error", "ArgumentException"), bad.Headers());
        Assert.True(bad.ColdStart);

        var missingToken = await function.InvokeAsync("""{"proxyHost":"127.0.0.1","proxyPort":6381,"nodeId":"n","token":""}"""u8.ToArray());
        Assert.Equal(400, missingToken.StatusCode);
        Assert.Equal("The node invocation has no Token.", Json(missingToken).GetProperty("errorMessage").GetString());

        var good = await function.InvokeAsync(new NodeInvocation
        {
            ProxyHost = "127.0.0.1", ProxyPort = ProxyPlayer.ClosedPort(), NodeId = "tiered-node-007", Token = [1],
        }.ToJson());
        Assert.Equal(200, good.StatusCode);
        Assert.False(good.ColdStart);
        Assert.DoesNotContain(good.Headers(), h => h.Key == "X-Tiered-Cold-Start");
        Assert.Equal("dial-failed", Json(good).GetProperty("outcome").GetString());
        Assert.Equal("instance-1", Json(good).GetProperty("instanceId").GetString());
        Assert.Equal(3, function.Invocations);
        Assert.Equal(0, function.InFlight);
    }

    [Fact]
    public async Task Chunks_survive_across_two_invocations_of_the_same_instance()
    {
        using var proxy = new ProxyPlayer();
        var function = new NodeFunction(Settings());
        var data = new byte[300_000];
        new Random(5).NextBytes(data);

        var first = function.InvokeAsync(proxy.Payload());
        var (c1, hello1) = await proxy.AcceptAsync();
        await using (c1)
        {
            Assert.Equal(0, hello1.ChunkCount);
            await c1.WriteFrameAsync(FrameOpcode.Welcome, 0, new NodeWelcome { ProxyId = "p" });
            await c1.SetChunkAsync(1, "big", 1, 0, data);
        }
        Assert.Equal(1, Json(await first.WaitAsync(ProxyPlayer.Patience)).GetProperty("chunksHeld").GetInt32());

        var second = function.InvokeAsync(proxy.Payload(token: [5, 5]));
        var (c2, hello2) = await proxy.AcceptAsync();
        await using (c2)
        {
            Assert.Equal(1, hello2.ChunkCount);
            Assert.Equal(data.Length, hello2.StoredBytes);
            Assert.Equal("instance-1", hello2.InstanceId);
            await c2.WriteFrameAsync(FrameOpcode.Welcome, 0, new NodeWelcome { ProxyId = "p" });
            Assert.Equal(data, await c2.GetChunkAsync(7, "big", 1, 0));
        }
        var response = await second.WaitAsync(ProxyPlayer.Patience);
        Assert.False(response.ColdStart);
        Assert.Equal(1, Json(response).GetProperty("chunksHeld").GetInt32());
        Assert.Same(function.Nodes["tiered-node-007"], Assert.Single(function.Nodes).Value);
    }

    [Fact]
    public async Task Two_nodes_in_one_process_keep_separate_stores()
    {
        using var proxy = new ProxyPlayer();
        var function = new NodeFunction(Settings());

        var a = function.InvokeAsync(proxy.Payload("node-a"));
        var (ca, _) = await proxy.AcceptAsync();
        await using (ca)
        {
            await ca.WriteFrameAsync(FrameOpcode.Welcome, 0, new NodeWelcome { ProxyId = "p" });
            await ca.SetChunkAsync(1, "k", 1, 0, [1, 2, 3]);
        }
        await a.WaitAsync(ProxyPlayer.Patience);

        var b = function.InvokeAsync(proxy.Payload("node-b"));
        var (cb, helloB) = await proxy.AcceptAsync();
        await using (cb)
        {
            Assert.Equal(0, helloB.ChunkCount);
            await cb.WriteFrameAsync(FrameOpcode.Welcome, 0, new NodeWelcome { ProxyId = "p" });
            Assert.Empty(await cb.ListChunksAsync(1));   // node-a's chunk is not node-b's to list (or delete)
        }
        await b.WaitAsync(ProxyPlayer.Patience);
        Assert.Equal(["node-a", "node-b"], function.Nodes.Keys.Order());
    }

    [Fact]
    public async Task An_idle_node_says_goodbye_and_returns()
    {
        using var proxy = new ProxyPlayer();
        var function = new NodeFunction(Settings());

        var invoke = function.InvokeAsync(proxy.Payload(idleTimeout: TimeSpan.FromMilliseconds(300)));
        var (connection, _) = await proxy.AcceptAsync();
        await using (connection)
        {
            await connection.WriteFrameAsync(FrameOpcode.Welcome, 0, new NodeWelcome { ProxyId = "p" });
            using var bye = await connection.ReadFrameAsync().AsTask().WaitAsync(ProxyPlayer.Patience);
            Assert.Equal(FrameOpcode.Bye, bye!.Opcode);
        }
        Assert.Equal("idle", Json(await invoke.WaitAsync(ProxyPlayer.Patience)).GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task The_deadline_comes_from_the_function_timeout()
    {
        using var proxy = new ProxyPlayer();
        // 1 s timeout, 2 s margin: the deadline is already too close when the invocation starts.
        var tooShort = new NodeFunction(Settings(timeout: TimeSpan.FromSeconds(1)));
        Assert.Equal("deadline-too-close", Json(await tooShort.InvokeAsync(proxy.Payload())).GetProperty("outcome").GetString());

        // 2.5 s timeout: the node serves for about half a second, then says goodbye before the deadline.
        var function = new NodeFunction(Settings(timeout: TimeSpan.FromMilliseconds(2500)));
        var invoke = function.InvokeAsync(proxy.Payload());
        var (connection, _) = await proxy.AcceptAsync();
        await using (connection)
        {
            await connection.WriteFrameAsync(FrameOpcode.Welcome, 0, new NodeWelcome { ProxyId = "p" });
            using var bye = await connection.ReadFrameAsync().AsTask().WaitAsync(ProxyPlayer.Patience);
            Assert.Equal(FrameOpcode.Bye, bye!.Opcode);
        }
        Assert.Equal("deadline", Json(await invoke.WaitAsync(ProxyPlayer.Patience)).GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task The_hosts_cancellation_ends_a_serving_node()
    {
        using var proxy = new ProxyPlayer();
        var function = new NodeFunction(Settings());
        using var shutdown = new CancellationTokenSource();

        var invoke = function.InvokeAsync(proxy.Payload(), cancellationToken: shutdown.Token);
        var (connection, _) = await proxy.AcceptAsync();
        await using (connection)
        {
            await connection.WriteFrameAsync(FrameOpcode.Welcome, 0, new NodeWelcome { ProxyId = "p" });
            shutdown.Cancel();
            var response = await invoke.WaitAsync(ProxyPlayer.Patience);
            Assert.Equal(200, response.StatusCode);
            Assert.Equal("cancelled", Json(response).GetProperty("outcome").GetString());
        }
    }

    [Fact]
    public async Task A_body_streamed_in_is_read_and_an_oversized_one_is_a_413()
    {
        var function = new NodeFunction(Settings());
        var small = new NodeInvocation { ProxyHost = "127.0.0.1", ProxyPort = ProxyPlayer.ClosedPort(), NodeId = "n", Token = [1] }.ToJson();

        var ok = await function.InvokeAsync(new MemoryStream(small), "i-1");
        Assert.Equal("dial-failed", Json(ok).GetProperty("outcome").GetString());

        var huge = await function.InvokeAsync(new MemoryStream(new byte[NodeFunction.MaxPayloadBytes + 1]), "i-2");
        Assert.Equal(413, huge.StatusCode);
        Assert.Equal("PayloadTooLarge", huge.ErrorType);
        Assert.Contains("larger than 65536 bytes", Json(huge).GetProperty("errorMessage").GetString());
        Assert.Equal(2, function.Invocations);
    }

    [Fact]
    public void The_worker_and_the_backend_agree_on_the_header_names()
    {
        Assert.Equal(Tiered.Providers.Azure.AzureFunctionsHeaders.FunctionError, NodeResponse.FunctionErrorHeader);
        Assert.Equal(Tiered.Providers.Azure.AzureFunctionsHeaders.ColdStart, NodeResponse.ColdStartHeader);
        Assert.Equal(Tiered.Providers.Azure.AzureFunctionsHeaders.Instance, NodeResponse.InstanceHeader);
        Assert.Equal(Tiered.Providers.Azure.AzureFunctionsHeaders.InvocationId, NodeResponse.InvocationIdHeader);
        Assert.Equal(Tiered.Providers.Azure.AzureFunctionsOptions.MaxHttpFunctionTimeout, NodeWorkerSettings.MaxHttpFunctionTimeout);
    }
}
