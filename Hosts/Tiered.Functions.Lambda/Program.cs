using Microsoft.Extensions.Logging;
using Tiered.Functions.Lambda;
using Tiered.Nodes;

// The Tiered node as an AWS Lambda custom runtime: one FunctionNode for the life of the execution environment,
// so the chunks it holds survive between invocations of a warm instance.
return await LambdaBootstrap.RunProcessAsync(environment =>
    new FunctionNode(environment.NodeOptions, logger: new LambdaLogger<FunctionNode>(Console.Out, Console.Error, environment.LogLevel)));
