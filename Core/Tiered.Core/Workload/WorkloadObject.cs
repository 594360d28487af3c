namespace Tiered.Workload;

/// <summary>One object of the generated population.</summary>
/// <param name="Key">The object's key.</param>
/// <param name="Size">Its size in bytes, after <see cref="WorkloadOptions.SizeScale"/>.</param>
/// <param name="Accesses">How many requests of the trace touch it (PUT, GET and DELETE together).</param>
/// <param name="IsReused">Whether it belongs to the reused share (accessed again within <see cref="WorkloadOptions.ReuseWindow"/>) rather than the one-shot share.</param>
public readonly record struct WorkloadObject(string Key, long Size, int Accesses, bool IsReused);
