using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;
using Tiered.Functions.Azure;

// The Tiered node as an Azure Functions isolated worker: one NodeFunction (and so one FunctionNode per node id) for the
// life of the worker process, so the chunks it holds survive between invocations of a warm instance.
NodeWorkerSettings settings;
try
{
    settings = NodeWorkerSettings.FromProcess();
}
catch (NodeWorkerConfigurationException e)
{
    await Console.Error.WriteLineAsync($"Tiered node worker: {e.Message}");
    return 1;
}

var builder = FunctionsApplication.CreateBuilder(args);
builder.Services.AddTieredNodeWorker(settings);
using var host = builder.Build();
await host.RunAsync();
return 0;
