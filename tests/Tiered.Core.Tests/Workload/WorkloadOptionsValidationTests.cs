using Tiered.Workload;
using Xunit;

namespace Tiered.Core.Tests.Workload;

public class WorkloadOptionsValidationTests
{
    public static TheoryData<string, WorkloadOptions, string> BadOptions => new()
    {
        { "ObjectCount", WorkloadOptions.Default with { ObjectCount = -5 }, "ObjectCount must be at least 1, not -5" },
        { "RequestCount", WorkloadOptions.Default with { RequestCount = -1 }, "RequestCount must not be negative" },
        { "RequestCount", WorkloadOptions.Default with { RequestCount = 4_500 }, "must be at least ObjectCount + reused objects = 4,000 + 1,600 = 5,600" },
        { "Duration", WorkloadOptions.Default with { Duration = TimeSpan.Zero }, "Duration must be positive" },
        { "MinObjectBytes", WorkloadOptions.Default with { MinObjectBytes = 0 }, "MinObjectBytes must be at least 1" },
        { "MinObjectBytes", WorkloadOptions.Default with { MinObjectBytes = 2_000, MaxObjectBytes = 1_000 }, "MinObjectBytes (2,000) must not exceed MaxObjectBytes (1,000)" },
        { "LargeObjectThresholdBytes", WorkloadOptions.Default with { MaxObjectBytes = 1024 * 1024 }, "LargeObjectThresholdBytes (10,485,760) must lie in [MinObjectBytes, MaxObjectBytes)" },
        { "LargeObjectFraction", WorkloadOptions.Default with { LargeObjectFraction = 1.5 }, "LargeObjectFraction must be a fraction in [0, 1], not 1.5" },
        { "LargeObjectTailExponent", WorkloadOptions.Default with { LargeObjectTailExponent = -1 }, "LargeObjectTailExponent must be a finite number ≥ 0" },
        { "ReuseFraction", WorkloadOptions.Default with { ReuseFraction = double.NaN }, "ReuseFraction must be a fraction in [0, 1], not NaN" },
        { "ReuseWindow", WorkloadOptions.Default with { ReuseWindow = TimeSpan.FromSeconds(-1) }, "ReuseWindow must be positive" },
        { "ZipfExponent", WorkloadOptions.Default with { ZipfExponent = double.NaN }, "ZipfExponent must be a finite number ≥ 0 (0 = uniform, 1 = classic Zipf), not NaN" },
        { "ZipfExponent", WorkloadOptions.Default with { ZipfExponent = double.PositiveInfinity }, "ZipfExponent must be a finite number" },
        { "UpdateFraction", WorkloadOptions.Default with { UpdateFraction = -0.1 }, "UpdateFraction must be a fraction in [0, 1]" },
        { "DeleteFraction", WorkloadOptions.Default with { UpdateFraction = 0.6, DeleteFraction = 0.6 }, "UpdateFraction + DeleteFraction must not exceed 1" },
        { "SizeScale", WorkloadOptions.Default with { SizeScale = 0 }, "SizeScale must be in (0, 1]" },
        { "SizeScale", WorkloadOptions.Default with { SizeScale = 2 }, "SizeScale must be in (0, 1] (it scales sizes down), not 2" },
    };

    [Theory]
    [MemberData(nameof(BadOptions))]
    public void A_bad_option_is_named_with_a_plain_message(string option, WorkloadOptions options, string expectedMessage)
    {
        var error = Assert.Throws<WorkloadOptionsException>(() => new WorkloadGenerator(options));
        Assert.Equal(option, error.OptionName);
        Assert.Equal(option, error.ParamName);
        Assert.Contains(expectedMessage, error.Message);
        Assert.DoesNotContain("(Parameter", error.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    [InlineData(double.NaN)]
    public void A_bad_request_rate_is_refused(double rate)
    {
        var error = Assert.Throws<WorkloadOptionsException>(() => WorkloadOptions.Default.WithRequestRate(rate));
        Assert.Equal("RequestCount", error.OptionName);
    }

    [Fact]
    public void The_defaults_are_valid_and_edge_values_are_accepted()
    {
        Assert.Same(WorkloadOptions.Default, WorkloadOptions.Default.Validate());
        var noReuse = WorkloadOptions.Default with { ReuseFraction = 0, RequestCount = 4_000, ZipfExponent = 0 };
        var requests = WorkloadGenerator.Generate(noReuse);
        Assert.All(requests, r => Assert.Equal(WorkloadOp.Put, r.Op));
        var single = WorkloadGenerator.Generate(WorkloadOptions.Default with { ObjectCount = 1, RequestCount = 5, LargeObjectFraction = 1, ReuseFraction = 1 });
        Assert.Equal(5, single.Count);
        Assert.Equal(256L * 1024 * 1024, single[0].Size);
    }
}
