using Microsoft.Extensions.Time.Testing;
using Tiered.Functions;

namespace Tiered.Providers.Local.Tests;

internal static class Fixture
{
    public const string F0 = "tiered-node-000";
    public const string F1 = "tiered-node-001";

    /// <summary>Small pool, no cold-start delay unless a test asks, seeded randomness.</summary>
    public static LocalFunctionOptions Options(Action<LocalFunctionOptions>? configure = null)
    {
        var options = new LocalFunctionOptions { FunctionCount = 4, ColdStartDelay = TimeSpan.Zero, Seed = 1 };
        configure?.Invoke(options);
        return options;
    }

    public static FakeTimeProvider Time() => new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    public static FunctionInvocation Invocation(string function = F0, InvocationKind kind = InvocationKind.Serve)
        => new(function, new byte[] { 1, 2, 3 }, kind);

    /// <summary>A hang guard (real time), never a timing assertion.</summary>
    public static Task<T> Within<T>(this Task<T> task) => task.WaitAsync(TimeSpan.FromSeconds(20));

    public static Task Within(this Task task) => task.WaitAsync(TimeSpan.FromSeconds(20));
}
