namespace Tiered.Providers.Local;

/// <summary>What a handler factory is told about the instance it creates a handler for.</summary>
/// <param name="FunctionName">The function the instance belongs to.</param>
/// <param name="InstanceId">The new instance.</param>
/// <param name="MemoryBytes">The instance's memory limit.</param>
/// <param name="CreatedAt">When the instance was created.</param>
public sealed record LocalInstanceContext(string FunctionName, string InstanceId, long MemoryBytes, DateTimeOffset CreatedAt);
