namespace Tiered.Cli.Benchmarks.E2e;

/// <summary>Bytes allocated per Tiered GET of one object size (GC.GetTotalAllocatedBytes(precise: true) around each GET).</summary>
/// <param name="Size">The object's size.</param>
/// <param name="Gets">How many GETs were summed.</param>
/// <param name="BytesPerGet">Mean bytes allocated per GET.</param>
/// <param name="Scope">Whose allocations: the whole process, or the client only.</param>
/// <param name="BytesPerPut">Mean bytes allocated per PUT of the same object, for comparison (no bar), when measured.</param>
internal sealed record E2eAllocation(long Size, int Gets, double BytesPerGet, string Scope, double? BytesPerPut)
{
    /// <summary>Issue 4's bar: at most twice the object's size per GET.</summary>
    public const double Bar = 2.0;

    public double RatioToObject => BytesPerGet / Size;

    public bool MeetsBar => RatioToObject <= Bar;
}
