using System.Net;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using Microsoft.Extensions.DependencyInjection;
using Tiered.Nodes;
using Tiered.Protocol;
using WorkerContext = Microsoft.Azure.Functions.Worker.FunctionContext;

namespace Tiered.Functions.Azure.Tests;

/// <summary>
/// The trigger class called directly (the Functions host cannot run here): its attributes are what the host indexes, and
/// <see cref="NodeTrigger.RunAsync"/> with fake request and context objects adapts <see cref="NodeFunction"/> faithfully.
/// </summary>
public sealed class NodeTriggerTests
{
    [Fact]
    public void The_trigger_is_function_node_an_authenticated_POST_on_node_with_an_optional_name()
    {
        var method = typeof(NodeTrigger).GetMethod(nameof(NodeTrigger.RunAsync))!;
        Assert.Equal("node", method.GetCustomAttributes(typeof(FunctionAttribute), false).Cast<FunctionAttribute>().Single().Name);
        var trigger = method.GetParameters()[0].GetCustomAttributes(typeof(HttpTriggerAttribute), false).Cast<HttpTriggerAttribute>().Single();
        Assert.Equal(AuthorizationLevel.Function, trigger.AuthLevel);
        Assert.Equal(["post"], trigger.Methods!);
        Assert.Equal("node/{name?}", trigger.Route);
    }

    [Fact]
    public async Task RunAsync_answers_the_summary_with_the_instance_and_cold_start_headers()
    {
        using var proxy = new ProxyPlayer();
        var function = new NodeFunction(NodeFunctionTests.Settings("instance-9"));
        var trigger = new NodeTrigger(function);
        var context = new FakeContext("host-invocation-1");
        var request = new FakeRequest(context, proxy.Payload("tiered-node-003"));

        var run = trigger.RunAsync(request, context);
        var (connection, hello) = await proxy.AcceptAsync();
        await using (connection)
        {
            Assert.Equal("instance-9", hello.InstanceId);
            await connection.WriteFrameAsync(FrameOpcode.Welcome, 0, new NodeWelcome { ProxyId = "p" });
            await connection.SetChunkAsync(1, "k", 1, 0, [1, 2, 3]);
        }
        var response = (FakeResponse)await run.WaitAsync(ProxyPlayer.Patience);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", Header(response, "Content-Type"));
        Assert.Equal("instance-9", Header(response, "X-Tiered-Instance"));
        Assert.Equal("true", Header(response, "X-Tiered-Cold-Start"));
        Assert.Equal("host-invocation-1", Header(response, "X-Tiered-Invocation-Id"));
        Assert.Null(Header(response, "X-Tiered-Function-Error"));
        var summary = JsonDocument.Parse(response.Written()).RootElement;
        Assert.Equal("tiered-node-003", summary.GetProperty("nodeId").GetString());
        Assert.Equal(1, summary.GetProperty("chunksHeld").GetInt32());
    }

    [Fact]
    public async Task RunAsync_answers_a_bad_payload_with_400_marked_as_a_function_error()
    {
        var trigger = new NodeTrigger(new NodeFunction(NodeFunctionTests.Settings()));
        var context = new FakeContext("inv-2");

        var response = (FakeResponse)await trigger.RunAsync(new FakeRequest(context, "{"u8.ToArray()), context);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("ArgumentException", Header(response, "X-Tiered-Function-Error"));
        Assert.StartsWith("The node invocation payload is not valid JSON", JsonDocument.Parse(response.Written()).RootElement.GetProperty("errorMessage").GetString());
    }

    [Fact]
    public async Task The_worker_keeps_one_NodeFunction_for_every_trigger_instance()
    {
        var services = new ServiceCollection().AddTieredNodeWorker(NodeFunctionTests.Settings("instance-3")).BuildServiceProvider();
        await using (services)
        {
            // The worker activates the function class per invocation; its NodeFunction (and the chunks) is the process's one.
            var first = ActivatorUtilities.CreateInstance<NodeTrigger>(services);
            var second = ActivatorUtilities.CreateInstance<NodeTrigger>(services);
            Assert.NotSame(first, second);
            var function = services.GetRequiredService<NodeFunction>();
            Assert.Same(function, services.GetRequiredService<NodeFunction>());
            Assert.Equal("instance-3", function.Settings.InstanceId);

            var context = new FakeContext("i");
            var payload = new NodeInvocation { ProxyHost = "127.0.0.1", ProxyPort = ProxyPlayer.ClosedPort(), NodeId = "n", Token = [1] }.ToJson();
            await first.RunAsync(new FakeRequest(context, payload), context);
            var response = (FakeResponse)await second.RunAsync(new FakeRequest(context, payload), context);
            Assert.Null(Header(response, "X-Tiered-Cold-Start"));   // the second trigger object served the process's second invocation
            Assert.Equal(2, function.Invocations);
        }
    }

    private static string? Header(HttpResponseData response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;

    private sealed class FakeContext(string invocationId) : WorkerContext
    {
        public override string InvocationId => invocationId;
        public override string FunctionId => "node-function-id";
        public override TraceContext TraceContext => null!;
        public override BindingContext BindingContext => null!;
        public override RetryContext RetryContext => null!;
        public override IServiceProvider InstanceServices { get; set; } = new ServiceCollection().BuildServiceProvider();
        public override FunctionDefinition FunctionDefinition => null!;
        public override IDictionary<object, object> Items { get; set; } = new Dictionary<object, object>();
        public override IInvocationFeatures Features => null!;
        public override CancellationToken CancellationToken => CancellationToken.None;
    }

    private sealed class FakeRequest(WorkerContext context, byte[] body) : HttpRequestData(context)
    {
        public override Stream Body { get; } = new MemoryStream(body);
        public override HttpHeadersCollection Headers { get; } = new();
        public override IReadOnlyCollection<IHttpCookie> Cookies { get; } = [];
        public override Uri Url { get; } = new("https://contoso-tiered-003.azurewebsites.net/api/node");
        public override IEnumerable<ClaimsIdentity> Identities { get; } = [];
        public override string Method => "POST";
        public override HttpResponseData CreateResponse() => new FakeResponse(FunctionContext);
    }

    private sealed class FakeResponse(WorkerContext context) : HttpResponseData(context)
    {
        public override HttpStatusCode StatusCode { get; set; }
        public override HttpHeadersCollection Headers { get; set; } = new();
        public override Stream Body { get; set; } = new MemoryStream();
        public override HttpCookies Cookies => throw new NotSupportedException();
        public byte[] Written() => ((MemoryStream)Body).ToArray();
    }
}
