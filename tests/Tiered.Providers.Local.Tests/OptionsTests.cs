using Microsoft.Extensions.Options;
using Xunit;

namespace Tiered.Providers.Local.Tests;

public sealed class OptionsTests
{
    [Fact]
    public void Defaults_are_documented_values()
    {
        var o = new LocalFunctionOptions();
        Assert.Empty(o.GetValidationErrors());
        Assert.Equal(32, o.FunctionCount);
        Assert.Equal(1536, o.MemoryMiB);
        Assert.Equal(TimeSpan.FromMinutes(15), o.Timeout);
        Assert.Equal(1000, o.MaxConcurrency);
        Assert.Equal(TimeSpan.FromMilliseconds(100), o.ColdStartDelay);
        Assert.Equal(TimeSpan.FromMinutes(27), o.IdleLifetime);
        Assert.Equal(TimeSpan.FromMilliseconds(1), o.BillingGranularity);
        Assert.Equal(0, o.ReclaimRatePerHour);
        Assert.Equal(0, o.InstanceReclaimHazardPerHour);
    }

    [Theory]
    [InlineData(nameof(LocalFunctionOptions.FunctionCount), "LocalFunctionOptions.FunctionCount must be positive (was 0).")]
    [InlineData(nameof(LocalFunctionOptions.MemoryMiB), "LocalFunctionOptions.MemoryMiB must be positive (was 0).")]
    [InlineData(nameof(LocalFunctionOptions.Timeout), "LocalFunctionOptions.Timeout must be positive (was 00:00:00).")]
    [InlineData(nameof(LocalFunctionOptions.MaxConcurrency), "LocalFunctionOptions.MaxConcurrency must be positive (was 0).")]
    [InlineData(nameof(LocalFunctionOptions.ColdStartDelay), "LocalFunctionOptions.ColdStartDelay must not be negative (was -00:00:01).")]
    [InlineData(nameof(LocalFunctionOptions.IdleLifetime), "LocalFunctionOptions.IdleLifetime must be positive or Timeout.InfiniteTimeSpan (was 00:00:00).")]
    [InlineData(nameof(LocalFunctionOptions.ReclaimRatePerHour), "LocalFunctionOptions.ReclaimRatePerHour must be a finite number ≥ 0 (was -1).")]
    [InlineData(nameof(LocalFunctionOptions.InstanceReclaimHazardPerHour), "LocalFunctionOptions.InstanceReclaimHazardPerHour must be a finite number ≥ 0 (was NaN).")]
    [InlineData(nameof(LocalFunctionOptions.BillingGranularity), "LocalFunctionOptions.BillingGranularity must be positive (was 00:00:00).")]
    public void Validation_names_the_bad_key(string key, string message)
    {
        var o = new LocalFunctionOptions();
        switch (key)
        {
            case nameof(o.FunctionCount): o.FunctionCount = 0; break;
            case nameof(o.MemoryMiB): o.MemoryMiB = 0; break;
            case nameof(o.Timeout): o.Timeout = TimeSpan.Zero; break;
            case nameof(o.MaxConcurrency): o.MaxConcurrency = 0; break;
            case nameof(o.ColdStartDelay): o.ColdStartDelay = TimeSpan.FromSeconds(-1); break;
            case nameof(o.IdleLifetime): o.IdleLifetime = TimeSpan.Zero; break;
            case nameof(o.ReclaimRatePerHour): o.ReclaimRatePerHour = -1; break;
            case nameof(o.InstanceReclaimHazardPerHour): o.InstanceReclaimHazardPerHour = double.NaN; break;
            case nameof(o.BillingGranularity): o.BillingGranularity = TimeSpan.Zero; break;
        }
        Assert.Equal(message, Assert.Single(o.GetValidationErrors()));
        var ex = Assert.Throws<OptionsValidationException>(() => o.Validate());
        Assert.Equal(message, ex.Message);
        var ctor = Assert.Throws<OptionsValidationException>(() => new LocalFunctionPlatform(o, _ => new CounterHandler()));
        Assert.Contains(message, ctor.Failures);
    }

    [Fact]
    public void Explicit_names_must_be_unique_and_not_empty_and_all_problems_are_listed()
    {
        var o = new LocalFunctionOptions { FunctionNames = ["a", "a", " "], MemoryMiB = -5 };
        var errors = o.GetValidationErrors();
        Assert.Equal(
            [
                "LocalFunctionOptions.FunctionNames contains 'a' twice.",
                "LocalFunctionOptions.FunctionNames must not contain an empty name.",
                "LocalFunctionOptions.MemoryMiB must be positive (was -5).",
            ],
            errors);
    }

    [Fact]
    public void Delays_longer_than_the_longest_timer_are_refused()
    {
        var o = new LocalFunctionOptions { Timeout = TimeSpan.FromDays(60), ColdStartDelay = TimeSpan.FromDays(60), IdleLifetime = TimeSpan.FromDays(60) };
        var errors = o.GetValidationErrors();
        Assert.Equal(3, errors.Count);
        Assert.StartsWith("LocalFunctionOptions.Timeout must be at most 49.17:02:47.294", errors[0]);
        Assert.StartsWith("LocalFunctionOptions.ColdStartDelay must be at most", errors[1]);
        Assert.StartsWith("LocalFunctionOptions.IdleLifetime must be at most", errors[2]);
    }

    [Fact]
    public void Zero_cold_start_and_infinite_idle_lifetime_are_allowed()
    {
        var o = new LocalFunctionOptions { ColdStartDelay = TimeSpan.Zero, IdleLifetime = Timeout.InfiniteTimeSpan };
        Assert.Same(o, o.Validate());
    }

    [Fact]
    public async Task The_platform_copies_its_options()
    {
        var o = Fixture.Options();
        await using var platform = new LocalFunctionPlatform(o, _ => new CounterHandler());
        o.MemoryMiB = 128;
        o.FunctionCount = 1;
        Assert.Equal(1536L * 1024 * 1024, platform.Limits.MemoryBytes);
        Assert.Equal(4, platform.Functions.Count);
    }
}
