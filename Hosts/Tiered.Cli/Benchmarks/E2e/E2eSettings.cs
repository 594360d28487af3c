namespace Tiered.Cli.Benchmarks.E2e;

/// <summary>What one <c>tiered bench e2e</c> run measures and how.</summary>
internal sealed record E2eSettings(
    IReadOnlyList<int> Sizes,
    int? Iterations,
    bool Quick,
    TierShape Shape,
    int Concurrency,
    bool VsRedis,
    string? RedisServer,
    bool TierInChildProcess,
    bool MeasureClientOnlyAllocation)
{
    /// <summary>Object sizes measured by default (and with --quick, which leaves out 100 MiB).</summary>
    public static IReadOnlyList<int> DefaultSizes { get; } = [1 << 10, 1 << 20, 10 << 20, 100 << 20];

    public static IReadOnlyList<int> QuickSizes { get; } = [1 << 10, 1 << 20, 10 << 20];

    /// <summary>Timed operations per target and operation for objects of <paramref name="size"/> bytes.</summary>
    public int IterationsFor(int size) => Iterations ?? (size, Quick) switch
    {
        ( <= 64 << 10, false) => 2000,
        ( <= 2 << 20, false) => 200,
        ( <= 20 << 20, false) => 40,
        (_, false) => 15,
        ( <= 64 << 10, true) => 500,
        ( <= 2 << 20, true) => 100,
        ( <= 20 << 20, true) => 20,
        (_, true) => 5,
    };

    /// <summary>Untimed operations per target before the timed ones (JIT, pools, TCP windows).</summary>
    public int WarmupsFor(int size) => Math.Clamp(IterationsFor(size) / 10, 2, 50);

    /// <summary>GETs of the largest object whose allocations are summed for the client-only figure.</summary>
    public int AllocationGets => Quick ? 3 : 8;
}
