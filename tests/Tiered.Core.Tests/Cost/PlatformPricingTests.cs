using Tiered.Cost;
using Tiered.Functions;
using Xunit;

namespace Tiered.Core.Tests.Cost;

/// <summary>One run priced for every platform: the same invocations under each provider's billing rules.</summary>
public class PlatformPricingTests
{
    private const long OneGb = 1024L * 1024 * 1024;

    [Fact]
    public void The_same_invocations_are_billed_by_each_platforms_rules()
    {
        var meter = new CostMeter(FunctionPricing.AwsLambda);
        meter.Record(InvocationKind.Serve, TimeSpan.FromMilliseconds(150), OneGb);
        meter.Record(InvocationKind.WarmUp, TimeSpan.FromMilliseconds(3), OneGb);

        var aws = meter.SnapshotAs(FunctionPricing.AwsLambda);
        var azure = meter.SnapshotAs(FunctionPricing.AzureFunctionsFlexConsumption);
        var gcp = meter.SnapshotAs(FunctionPricing.CloudRunFunctions);

        // AWS: 1 ms granularity. Azure Flex: at least 1 s each. Cloud Run: 100 ms units.
        Assert.Equal(TimeSpan.FromMilliseconds(153), aws.Total.BilledDuration);
        Assert.Equal(TimeSpan.FromMilliseconds(2000), azure.Total.BilledDuration);
        Assert.Equal(TimeSpan.FromMilliseconds(300), gcp.Total.BilledDuration);
        Assert.Equal(1.0, azure[InvocationKind.WarmUp].GbSeconds, 6);
        Assert.Equal(0.1, gcp[InvocationKind.WarmUp].GbSeconds, 6);
        Assert.Equal(meter.Snapshot().Total, aws.Total);
    }

    [Fact]
    public void A_report_for_another_platform_prices_the_same_run()
    {
        var meter = new CostMeter(FunctionPricing.AwsLambda);
        for (int i = 0; i < 1000; i++) meter.Record(InvocationKind.Serve, TimeSpan.FromMilliseconds(250), OneGb);
        var elapsed = TimeSpan.FromHours(1);

        var aws = meter.ReportAs(PriceTable.Aws, elapsed, OneGb);
        var gcp = meter.ReportAs(PriceTable.Aws with { Functions = FunctionPricing.CloudRunFunctions }, elapsed, OneGb);

        Assert.Equal(250.0, aws.GbSeconds, 6);
        Assert.Equal(300.0, gcp.GbSeconds, 6); // 250 ms rounds up to 300 ms
        Assert.Equal(250m * 0.0000166667m + 0.0002m, aws.TotalCost, 6);
        Assert.Equal(300m * 0.0000145m + 0.0004m, gcp.TotalCost, 6);
    }

    [Fact]
    public void Every_built_in_price_is_valid_and_named()
    {
        Assert.Equal(["aws", "aws-arm", "azure", "azure-consumption", "gcp"], FunctionPricing.BuiltIn.Keys.Order(StringComparer.Ordinal));
        foreach (var pricing in FunctionPricing.BuiltIn.Values) pricing.Validate();
    }

    [Fact]
    public void A_price_file_overrides_the_list_prices_and_names_bad_fields()
    {
        string dir = Directory.CreateTempSubdirectory("tiered-prices-").FullName;
        string good = Path.Combine(dir, "prices.json");
        File.WriteAllText(good, """{ "eu": { "Provider": "AWS Lambda (eu-central-1)", "PricePerGbSecond": 0.0000166667, "PricePerMillionInvocations": 0.20, "BillingGranularityMs": 1 } }""");
        var prices = FunctionPricingFile.Load(good);
        Assert.Equal("AWS Lambda (eu-central-1)", prices["eu"].Provider);
        Assert.Equal(TimeSpan.FromMilliseconds(1), prices["eu"].BillingGranularity);

        string bad = Path.Combine(dir, "bad.json");
        File.WriteAllText(bad, """{ "x": { "PricePerGbSecond": -1, "PricePerMillionInvocations": 0.2 } }""");
        var e = Assert.Throws<InvalidDataException>(() => FunctionPricingFile.Load(bad));
        Assert.Contains("'x'", e.Message);
        Assert.Contains("PricePerGbSecond", e.Message);

        string unknown = Path.Combine(dir, "unknown.json");
        File.WriteAllText(unknown, """{ "x": { "PricePerGbSecnd": 1, "PricePerMillionInvocations": 0.2 } }""");
        Assert.Contains("PricePerGbSecnd", Assert.Throws<InvalidDataException>(() => FunctionPricingFile.Load(unknown)).Message);
    }
}
