namespace Tiered.Workload;

/// <summary>One request of a generated trace: when it happens, on which key, the object's size and the operation.</summary>
/// <param name="At">Offset from the start of the trace (requests come in non-decreasing order of this).</param>
/// <param name="Key">The object's key (the same string instance for every request of one object).</param>
/// <param name="Size">The object's size in bytes (payloads are never materialised: the replay makes them).</param>
/// <param name="Op">GET, PUT or DELETE (see <see cref="WorkloadOp"/> for the PUT-on-first-access semantics).</param>
public readonly record struct WorkloadRequest(TimeSpan At, string Key, long Size, WorkloadOp Op);
