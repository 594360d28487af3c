namespace Tiered.Client;

/// <summary>The tier refused or failed a request (the message says why).</summary>
public sealed class TierException(string message, Exception? inner = null) : Exception(message, inner);
