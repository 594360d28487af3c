namespace Tiered.Workload;

/// <summary>What a workload request asks the cache to do.</summary>
public enum WorkloadOp : byte
{
    /// <summary>Read the object (a registry pull served from the cache).</summary>
    Get,
    /// <summary>
    /// Store the object. The first access to a key is always a PUT: the registry missed in the cache,
    /// fetched the blob from its backing store and filled the cache. A later PUT is an update (re-PUT)
    /// or the refill after a DELETE.
    /// </summary>
    Put,
    /// <summary>Remove the object; the next access to the key is a PUT again.</summary>
    Delete,
}
