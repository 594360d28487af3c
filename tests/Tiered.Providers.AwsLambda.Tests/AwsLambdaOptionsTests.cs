using Microsoft.Extensions.Options;
using Tiered.Providers.AwsLambda.Signing;
using Xunit;

namespace Tiered.Providers.AwsLambda.Tests;

/// <summary>Option defaults, derived values and validation (each error names its key).</summary>
public sealed class AwsLambdaOptionsTests
{
    private static AwsLambdaOptions Valid() => new() { Region = "us-east-1", FunctionCount = 3 };

    [Fact]
    public void Generated_names_are_prefix_and_zero_padded_index()
    {
        Assert.Equal(["tiered-node-000", "tiered-node-001", "tiered-node-002"], Valid().ResolveFunctionNames());
        var many = new AwsLambdaOptions { FunctionCount = 1001 }.ResolveFunctionNames();
        Assert.Equal(("tiered-node-0000", "tiered-node-1000"), (many[0], many[^1]));
        Assert.Equal(["x-0", "y-1"], new AwsLambdaOptions { FunctionCount = 5, FunctionNames = [" x-0", "y-1 "] }.ResolveFunctionNames());
        Assert.Empty(new AwsLambdaOptions().ResolveFunctionNames());
    }

    [Theory]
    [InlineData("eu-central-1", null, "https://lambda.eu-central-1.amazonaws.com/")]
    [InlineData("cn-north-1", null, "https://lambda.cn-north-1.amazonaws.com.cn/")]
    [InlineData("us-east-1", "http://127.0.0.1:9001", "http://127.0.0.1:9001/")]
    [InlineData("us-east-1", "http://localhost:4566/", "http://localhost:4566/")]
    [InlineData("us-east-1", "https://proxy.example/lambda", "https://proxy.example/lambda/")]
    public void The_endpoint_is_the_regional_one_unless_overridden(string region, string? serviceUrl, string expected) =>
        Assert.Equal(new Uri(expected), new AwsLambdaOptions { Region = region, ServiceUrl = serviceUrl }.ResolveEndpoint());

    [Fact]
    public void Defaults()
    {
        var o = new AwsLambdaOptions();
        Assert.Equal((1536, TimeSpan.FromMinutes(15), 1000, 3), (o.MemoryMiB, o.Timeout, o.MaxConcurrency, o.MaxRetries));
        Assert.Equal((TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(10)), (o.RetryBaseDelay, o.RetryMaxDelay, o.ConnectTimeout));
        Assert.Equal(TimeSpan.FromMinutes(15) + TimeSpan.FromSeconds(30), o.EffectiveHttpTimeout);
        Assert.Equal("tiered-node-", o.FunctionNamePrefix);
        Assert.Null(o.Qualifier);
        Assert.Empty(Valid().GetValidationErrors());
    }

    [Theory]
    [InlineData("MaxRetries", -1, "AwsLambdaOptions.MaxRetries must be from 0 to 100 (was -1)")]
    [InlineData("MaxConcurrency", 0, "AwsLambdaOptions.MaxConcurrency must be positive (was 0)")]
    [InlineData("MemoryMiB", 20000, "AwsLambdaOptions.MemoryMiB must be from 128 to 10240 (was 20000)")]
    [InlineData("FunctionCount", -2, "AwsLambdaOptions.FunctionNames or AwsLambdaOptions.FunctionCount is required")]
    public void Numeric_settings_are_checked(string key, int value, string expected)
    {
        var o = Valid();
        typeof(AwsLambdaOptions).GetProperty(key)!.SetValue(o, value);
        Assert.Contains(o.GetValidationErrors(), e => e.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Each_error_names_its_key()
    {
        var o = new AwsLambdaOptions
        {
            Region = "us-east-1",
            FunctionNames = ["ok", " ", "with space", "ok"],
            Qualifier = "",
            Timeout = TimeSpan.Zero,
            ConnectTimeout = TimeSpan.Zero,
            RetryBaseDelay = TimeSpan.FromSeconds(5),
            RetryMaxDelay = TimeSpan.FromSeconds(1),
            SessionToken = "t",
            ProfilesLocation = "/tmp/credentials",
        };
        var errors = o.GetValidationErrors();
        foreach (var expected in new[]
        {
            "AwsLambdaOptions.FunctionNames must not contain an empty name",
            "AwsLambdaOptions.FunctionNames 'with space' is not a function name or ARN",
            "AwsLambdaOptions.FunctionNames contains 'ok' twice",
            "AwsLambdaOptions.Qualifier '' is not a version or alias",
            "AwsLambdaOptions.Timeout must be positive",
            "AwsLambdaOptions.ConnectTimeout must be positive",
            "AwsLambdaOptions.RetryMaxDelay must be at least AwsLambdaOptions.RetryBaseDelay",
            "AwsLambdaOptions.SessionToken is set without AwsLambdaOptions.AccessKeyId",
            "AwsLambdaOptions.ProfilesLocation is set without AwsLambdaOptions.ProfileName",
        })
            Assert.Contains(errors, e => e.StartsWith(expected, StringComparison.Ordinal));
        Assert.Throws<OptionsValidationException>(() => o.Validate());
    }

    [Fact]
    public void Static_keys_and_a_profile_together_are_refused()
    {
        var o = Valid();
        (o.AccessKeyId, o.SecretAccessKey, o.ProfileName) = ("AKID", "secret", "dev");
        Assert.Contains(o.GetValidationErrors(), e => e.StartsWith("AwsLambdaOptions.ProfileName and AwsLambdaOptions.AccessKeyId are both set", StringComparison.Ordinal));
    }

    [Fact]
    public void The_validator_reports_the_same_errors()
    {
        var result = new AwsLambdaOptionsValidator().Validate(null, new AwsLambdaOptions());
        Assert.True(result.Failed);
        Assert.Contains("AwsLambdaOptions.Region is required", result.FailureMessage);
        Assert.True(new AwsLambdaOptionsValidator().Validate(null, Valid()).Succeeded);
    }

    [Fact]
    public void A_clone_does_not_share_the_function_list()
    {
        var o = new AwsLambdaOptions { Region = "us-east-1", FunctionNames = ["a"] };
        var copy = o.Clone();
        o.FunctionNames.Add("b");
        Assert.Equal(["a"], copy.FunctionNames);
    }

    [Fact]
    public void Credentials_never_print_their_secret()
    {
        var credentials = new AwsCredentials("AKIDPRINT", "very-secret", "very-token", DateTimeOffset.UnixEpoch);
        string text = credentials.ToString();
        Assert.Contains("AKIDPRINT", text);
        Assert.DoesNotContain("very-secret", text);
        Assert.DoesNotContain("very-token", text);
    }
}
