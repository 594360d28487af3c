namespace Tiered.Providers.Local;

/// <summary>Why an instance (and the memory its handler held) went away.</summary>
public enum LocalReclaimReason
{
    /// <summary>It stayed idle longer than its idle lifetime.</summary>
    Idle,
    /// <summary>Fault injection: on demand (<c>Reclaim…</c> methods) or at the configured rate or hazard.</summary>
    Injected,
    /// <summary>An invocation on it hit the timeout; like Lambda, the platform resets the instance.</summary>
    Timeout,
    /// <summary>Its handler factory threw during the cold start.</summary>
    InitFailed,
    /// <summary>The platform was disposed.</summary>
    PlatformDisposed,
    /// <summary>
    /// It reached its instance lifetime (<see cref="LocalFunctionOptions.InstanceLifetime"/> or the reclaim model's
    /// distribution), counted from its creation whatever it did: AWS recycles execution environments a few hours after
    /// their host started. An idle instance goes at once; a busy one when its invocation ends.
    /// </summary>
    Recycled,
}
