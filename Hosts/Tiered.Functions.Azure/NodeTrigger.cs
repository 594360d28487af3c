using System.Net;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using WorkerContext = Microsoft.Azure.Functions.Worker.FunctionContext;

namespace Tiered.Functions.Azure;

/// <summary>
/// The Azure Functions entry point: <c>POST /api/node</c> (also <c>/api/node/{name}</c>, for one app hosting several nodes),
/// authorization level <c>Function</c> (the caller sends <c>x-functions-key</c>). A thin adapter: the work is
/// <see cref="NodeFunction"/>, a singleton, so what the nodes hold survives between invocations of the warm instance.
/// </summary>
public sealed class NodeTrigger(NodeFunction function)
{
    /// <summary>The function's name in the app (and its default route).</summary>
    public const string FunctionName = "node";

    /// <summary>Runs one node invocation.</summary>
    [Function(FunctionName)]
    public async Task<HttpResponseData> RunAsync(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "node/{name?}")] HttpRequestData request,
        WorkerContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var answer = await function.InvokeAsync(request.Body, context.InvocationId, context.CancellationToken).ConfigureAwait(false);
        var response = request.CreateResponse((HttpStatusCode)answer.StatusCode);
        response.Headers.TryAddWithoutValidation("Content-Type", NodeResponse.ContentType);
        foreach (var (name, value) in answer.Headers()) response.Headers.TryAddWithoutValidation(name, value);
        await response.Body.WriteAsync(answer.Body, context.CancellationToken).ConfigureAwait(false);
        return response;
    }
}
