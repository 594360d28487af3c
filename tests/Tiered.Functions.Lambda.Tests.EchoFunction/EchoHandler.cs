using System.Text.Json;
using Tiered.Functions;

namespace Tiered.Functions.Lambda.Tests.EchoFunction;

/// <summary>
/// Does what its payload says — <c>{"action":"echo"|"sleep"|"wait"|"print"|"fail"|"crash"|"big", …}</c> — and answers
/// with what it knows about its execution environment (pid, instance, invocation count, Lambda variables).
/// </summary>
internal sealed class EchoHandler : IFunctionHandler
{
    private static readonly string[] Variables =
    [
        "AWS_LAMBDA_RUNTIME_API", "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_VERSION", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
        "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME", "AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_REGION", "AWS_DEFAULT_REGION",
        "AWS_EC2_METADATA_DISABLED", "_HANDLER", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR", "TZ", "_X_AMZN_TRACE_ID", "ECHO_EXTRA",
    ];

    private int _invocations; // survives between invocations of a warm instance

    public async Task<ReadOnlyMemory<byte>> HandleAsync(ReadOnlyMemory<byte> payload, FunctionContext context, CancellationToken cancellationToken)
    {
        int count = Interlocked.Increment(ref _invocations);
        using var request = JsonDocument.Parse(payload);
        var root = request.RootElement;
        string action = root.TryGetProperty("action", out var a) ? a.GetString() ?? "echo" : "echo";
        switch (action)
        {
            case "sleep":
                await Task.Delay(root.GetProperty("ms").GetInt32(), cancellationToken);
                break;
            case "wait":
                string file = root.GetProperty("file").GetString()!;
                while (!File.Exists(file)) await Task.Delay(20, cancellationToken);
                break;
            case "print":
                Console.WriteLine(root.GetProperty("text").GetString());
                break;
            case "fail":
                throw new InvalidOperationException(root.TryGetProperty("message", out var m) ? m.GetString() : "echo failure");
            case "crash":
                await Console.Out.FlushAsync(cancellationToken);
                Environment.Exit(root.TryGetProperty("code", out var c) ? c.GetInt32() : 3);
                break;
            case "big":
                return new byte[root.GetProperty("bytes").GetInt32()];
        }

        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("pid", Environment.ProcessId);
            json.WriteString("instanceId", context.InstanceId);
            json.WriteString("requestId", context.InvocationId);
            json.WriteString("functionName", context.FunctionName);
            json.WriteNumber("memoryBytes", context.MemoryBytes);
            json.WriteNumber("deadlineMs", context.Deadline.ToUnixTimeMilliseconds());
            json.WriteNumber("count", count);
            json.WriteStartObject("env");
            foreach (string name in Variables) json.WriteString(name, Environment.GetEnvironmentVariable(name));
            json.WriteEndObject();
            json.WritePropertyName("payload");
            root.WriteTo(json);
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }
}
