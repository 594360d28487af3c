namespace Tiered.Functions;

/// <summary>
/// What a platform lets an operator (or a chaos decorator, or a test) do to its running instances: list them and
/// reclaim one, as the platform itself would. The Local platform and the Lambda emulator implement it; real clouds do not
/// expose it (there, reclaims just happen).
/// </summary>
public interface IFunctionInstanceControl
{
    /// <summary>Every live instance of every function (a snapshot).</summary>
    IReadOnlyList<FunctionInstanceInfo> GetInstances();

    /// <summary>Reclaims one instance now (its memory is lost); false when no live instance has that id.</summary>
    bool Reclaim(string instanceId);
}

/// <summary>A live function instance.</summary>
/// <param name="FunctionName">The function it belongs to.</param>
/// <param name="InstanceId">Its id, unique while the platform runs.</param>
/// <param name="Busy">Whether it is running an invocation (or cold-starting) right now.</param>
public sealed record FunctionInstanceInfo(string FunctionName, string InstanceId, bool Busy);
