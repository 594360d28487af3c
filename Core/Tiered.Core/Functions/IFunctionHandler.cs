namespace Tiered.Functions;

/// <summary>
/// The code a function instance runs. A platform creates one handler per instance and keeps it (and so its
/// memory) for as long as the instance lives: what a handler holds in fields survives between invocations
/// of the same instance, exactly like a static field in a warm AWS Lambda container.
/// </summary>
public interface IFunctionHandler
{
    Task<ReadOnlyMemory<byte>> HandleAsync(ReadOnlyMemory<byte> payload, FunctionContext context, CancellationToken cancellationToken);
}

/// <summary>What a platform tells an invocation about itself.</summary>
/// <param name="FunctionName">The function being run.</param>
/// <param name="InstanceId">The instance running it.</param>
/// <param name="InvocationId">This invocation.</param>
/// <param name="Deadline">When the platform will stop the invocation; handlers return before it.</param>
/// <param name="MemoryBytes">The instance's memory limit.</param>
public sealed record FunctionContext(string FunctionName, string InstanceId, string InvocationId, DateTimeOffset Deadline, long MemoryBytes);
