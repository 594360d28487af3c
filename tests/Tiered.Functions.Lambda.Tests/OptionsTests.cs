using Microsoft.Extensions.Options;
using Tiered.LambdaEmulator;

namespace Tiered.Functions.Lambda.Tests;

public sealed class OptionsTests
{
    [Fact]
    public void Bad_options_are_refused_naming_every_key()
    {
        var options = new LambdaEmulatorOptions
        {
            Port = 70000,
            MemoryMiB = 64,
            Timeout = TimeSpan.FromMinutes(20),
            ReservedConcurrency = -1,
            BootstrapPath = "/no/such/bootstrap",
            ReclaimRatePerMinute = double.NaN,
            IdleLifetime = TimeSpan.Zero,
            FunctionNames = { "ok", "not ok", "ok" },
            Functions = { new LambdaFunctionDefinition { Name = "f", MemoryMiB = 20000 } },
            Environment = { ["AWS_REGION"] = "eu-west-1" },
        };

        var errors = options.GetValidationErrors();
        string all = string.Join("\n", errors);
        foreach (string key in new[] { "Port", "MemoryMiB", "Timeout", "ReservedConcurrency", "BootstrapPath", "ReclaimRatePerMinute", "IdleLifetime",
                     "FunctionNames[1] 'not ok'", "FunctionNames[2] 'ok' names a function twice", "Functions[0].MemoryMiB", "sets AWS_REGION" })
            Assert.Contains(key, all);
        var thrown = Assert.Throws<OptionsValidationException>(() => new LambdaEmulator.LambdaEmulator(options));
        Assert.Equal(errors, thrown.Failures);
        Assert.False(new LambdaEmulatorOptionsValidator().Validate(null, options).Succeeded);
    }

    [Fact]
    public void Functions_are_required_and_so_is_a_bootstrap()
    {
        Assert.Contains(new LambdaEmulatorOptions().GetValidationErrors(), e => e.Contains("has no functions", StringComparison.Ordinal));
        Assert.Contains(new LambdaEmulatorOptions { AutoCreateFunctions = true }.GetValidationErrors(), e => e.Contains("BootstrapPath must be set", StringComparison.Ordinal));
        Assert.Empty(new LambdaEmulatorOptions { FunctionCount = 3, BootstrapPath = Functions.Echo }.GetValidationErrors());
        Assert.Equal(["tiered-node-000", "tiered-node-001", "tiered-node-002"], new LambdaEmulatorOptions { FunctionCount = 3 }.GeneratedFunctionNames());
    }

    [Theory]
    [InlineData("f", "f", null)]
    [InlineData("f:7", "f", "7")]
    [InlineData("123456789012:function:my_fn", "my_fn", null)]
    [InlineData("123456789012:function:my_fn:$LATEST", "my_fn", "$LATEST")]
    [InlineData("arn:aws:lambda:eu-west-1:123456789012:function:a-b", "a-b", null)]
    [InlineData("arn:aws:lambda:eu-west-1:123456789012:function:a-b:live", "a-b", "live")]
    public void Invoke_paths_accept_names_partial_ARNs_and_ARNs(string raw, string name, string? qualifier)
    {
        Assert.True(LambdaEmulator.LambdaEmulator.TryParseFunctionName(raw, out string parsed, out string? q));
        Assert.Equal(name, parsed);
        Assert.Equal(qualifier, q);
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("f:")]
    [InlineData("arn:aws:s3:::bucket")]
    public void Invalid_function_names_are_refused(string raw) => Assert.False(LambdaEmulator.LambdaEmulator.TryParseFunctionName(raw, out _, out _));
}
