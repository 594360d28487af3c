using Tiered.Cost;
using Xunit;

namespace Tiered.Core.Tests.Cost;

public class FunctionPricingTests
{
    private static readonly FunctionPricing Lambda = FunctionPricing.AwsLambda;
    private const long MiB = 1024 * 1024;

    [Theory]
    [InlineData(1.2, 2)]
    [InlineData(1.0, 1)]
    [InlineData(0.0001, 1)]
    [InlineData(0, 1)]
    [InlineData(13.0001, 14)]
    [InlineData(60_000, 60_000)]
    public void Lambda_rounds_each_invocation_up_to_the_millisecond(double ranMs, double billedMs)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(billedMs), Lambda.BilledDuration(TimeSpan.FromMilliseconds(ranMs)));
    }

    [Fact]
    public void A_1536_MiB_function_bills_1_5_GB_per_second()
    {
        Assert.Equal(1.5, Lambda.BilledMemoryGb(1536 * MiB));
        Assert.Equal(0.003, Lambda.BilledGbSeconds(TimeSpan.FromMilliseconds(1.2), 1536 * MiB), 12);
        Assert.Equal(90.0, Lambda.BilledGbSeconds(TimeSpan.FromMinutes(1), 1536 * MiB), 9);
    }

    [Fact]
    public void Memory_is_rounded_up_to_the_provider_step()
    {
        Assert.Equal(1.0 / 1024, Lambda.BilledMemoryGb(MiB - 1));
        var azure = FunctionPricing.AzureFunctionsConsumption;
        Assert.Equal(0.25, azure.BilledMemoryGb(200 * MiB)); // 200 MB → 256 MB
        Assert.Equal(TimeSpan.FromMilliseconds(100), azure.BilledDuration(TimeSpan.FromMilliseconds(3)));
        Assert.Equal(TimeSpan.FromMilliseconds(101), azure.BilledDuration(TimeSpan.FromMilliseconds(100.5)));
    }

    [Fact]
    public void The_defaults_are_the_published_Lambda_prices()
    {
        Assert.Equal(0.0000166667m, Lambda.PricePerGbSecond);
        Assert.Equal(0.20m, Lambda.PricePerMillionInvocations);
        Assert.Equal(TimeSpan.FromMilliseconds(1), Lambda.BillingGranularity);
    }

    [Fact]
    public void A_bad_price_is_named()
    {
        var error = Assert.Throws<ArgumentException>(() => (Lambda with { PricePerGbSecond = -1 }).Validate());
        Assert.Equal("PricePerGbSecond", error.ParamName);
        error = Assert.Throws<ArgumentException>(() => (Lambda with { BillingGranularity = TimeSpan.Zero }).Validate());
        Assert.Equal("BillingGranularity", error.ParamName);
        error = Assert.Throws<ArgumentException>(() => (CacheNodePricing.ElastiCacheR5_24XLarge with { MemoryBytes = 0 }).Validate());
        Assert.Equal("MemoryBytes", error.ParamName);
    }
}
