using System.Net;
using System.Net.Sockets;
using Tiered.Functions;
using Tiered.Nodes;
using Tiered.Protocol;
using Xunit;

namespace Tiered.Tier.Tests;

/// <summary>A node's session limit: it says goodbye when its limit comes, however busy, well before the platform's deadline.</summary>
public class NodeSessionTests
{
    [Fact]
    public async Task A_node_returns_at_its_session_limit_while_the_proxy_keeps_it_busy()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var node = new FunctionNode();
        var payload = new NodeInvocation
        {
            ProxyHost = "127.0.0.1", ProxyPort = port, NodeId = "n", Token = [1, 2, 3],
            IdleTimeout = TimeSpan.FromMinutes(5), SessionLimit = TimeSpan.FromMilliseconds(500),
        }.ToJson();
        var context = new FunctionContext("n", "instance-1", "call-1", DateTimeOffset.UtcNow.AddMinutes(15), 64L * 1024 * 1024);
        var invocation = node.HandleAsync(payload, context, CancellationToken.None);

        using var socket = await listener.AcceptSocketAsync().WaitAsync(TimeSpan.FromSeconds(30));
        await using var proxy = FrameConnection.FromSocket(socket);
        using (var hello = await proxy.ReadFrameAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30)))
        {
            Assert.Equal(FrameOpcode.Hello, hello!.Opcode);
            await proxy.SkipPayloadAsync();
        }
        await proxy.WriteFrameAsync(FrameOpcode.Welcome, 0, new NodeWelcome { ProxyId = "test" });

        // Keep the node busy with pings (it never idles) until it says goodbye.
        var sawBye = false;
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (!sawBye)
        {
            await proxy.WriteFrameAsync(FrameOpcode.Ping, 7, patience.Token);
            using var reply = await proxy.ReadFrameAsync(patience.Token);
            if (reply is null) break;
            await proxy.SkipPayloadAsync(patience.Token);
            sawBye = reply.Opcode == FrameOpcode.Bye;
            if (!sawBye) await Task.Delay(50, patience.Token);
        }

        var summary = NodeInvocationSummary.FromJson((await invocation.WaitAsync(TimeSpan.FromSeconds(30))).Span)!;
        Assert.True(sawBye, "the node closed without a goodbye");
        Assert.Equal("deadline", summary.Outcome);
        Assert.True(summary.CommandsServed > 0);
    }
}
