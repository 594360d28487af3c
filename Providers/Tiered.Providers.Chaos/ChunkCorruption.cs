namespace Tiered.Chaos;

/// <summary>One chunk a <see cref="ChunkCorrupter"/> corrupted in place.</summary>
/// <param name="FunctionName">The function whose instance held it.</param>
/// <param name="InstanceId">The instance.</param>
/// <param name="Key">The object's key.</param>
/// <param name="Version">The object's version.</param>
/// <param name="Index">The chunk's index.</param>
/// <param name="BytesFlipped">How many bytes were changed.</param>
/// <param name="Trigger">What set it off.</param>
/// <param name="At">When, on the corrupter's clock (for a scheduled corruption, the time it was scheduled for).</param>
public sealed record ChunkCorruption(string FunctionName, string InstanceId, string Key, long Version, int Index, int BytesFlipped, ChaosTrigger Trigger, DateTimeOffset At);
