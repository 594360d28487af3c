namespace Tiered.Providers.Local;

/// <summary>What a function instance is doing.</summary>
public enum LocalInstanceState
{
    /// <summary>Cold-starting: it holds a concurrency slot and will run its first invocation after the cold-start delay.</summary>
    Starting,
    /// <summary>Warm and idle: it keeps its memory and takes the next invocation of its function.</summary>
    Idle,
    /// <summary>Running an invocation (an instance runs one at a time).</summary>
    Busy,
}
