using Tiered.Testing;

namespace Tiered.Caching.Tests;

/// <summary>
/// The tier the cache tests use: a <see cref="TierHarness"/> with its proxy on the given clock (which decides when
/// objects expire) and a client with rs(4,2); 14 functions, enough for the default rs(10,2) too.
/// </summary>
public static class CacheTier
{
    public static TierHarness Start(TimeProvider? time = null) =>
        TierHarness.Start("rs(4,2)", functions: 14, memoryMiB: 256, nodeIdleTimeout: TimeSpan.FromSeconds(60), proxyTime: time,
            connections: 2, requestTimeout: TimeSpan.FromSeconds(30));
}
