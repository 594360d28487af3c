using Microsoft.Extensions.Logging;

namespace Tiered.Functions.Lambda.Tests;

public sealed class RuntimeEnvironmentTests
{
    private static Func<string, string?> Variables(params (string Key, string Value)[] pairs)
    {
        var map = pairs.ToDictionary(p => p.Key, p => p.Value);
        return key => map.GetValueOrDefault(key);
    }

    [Fact]
    public void Lambdas_variables_become_the_settings()
    {
        var environment = RuntimeEnvironment.FromVariables(Variables(
            ("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:9001"), ("AWS_LAMBDA_FUNCTION_NAME", "tiered-node-003"), ("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "1536"),
            ("AWS_LAMBDA_LOG_STREAM_NAME", "2026/01/01/[$LATEST]abc"), ("AWS_LAMBDA_LOG_LEVEL", "warn"), ("TIERED_NODE_STORAGE_FRACTION", "0.5"),
            ("TIERED_NODE_DEADLINE_MARGIN_MS", "500")));

        Assert.Equal("127.0.0.1:9001", environment.RuntimeApi);
        Assert.Equal("tiered-node-003", environment.FunctionName);
        Assert.Equal("$LATEST", environment.FunctionVersion);
        Assert.Equal(1536L * 1024 * 1024, environment.MemoryBytes);
        Assert.Equal("2026/01/01/[$LATEST]abc", environment.InstanceId);
        Assert.Equal(LogLevel.Warning, environment.LogLevel);
        Assert.Equal(0.5, environment.NodeOptions.StorageFraction);
        Assert.Equal(TimeSpan.FromMilliseconds(500), environment.NodeOptions.DeadlineMargin);
    }

    [Fact]
    public void Without_a_log_stream_the_instance_id_is_random()
    {
        var vars = Variables(("AWS_LAMBDA_RUNTIME_API", "localhost:1234"), ("AWS_LAMBDA_FUNCTION_NAME", "f"), ("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128"));
        Assert.NotEqual(RuntimeEnvironment.FromVariables(vars).InstanceId, RuntimeEnvironment.FromVariables(vars).InstanceId);
    }

    [Fact]
    public void Missing_and_malformed_variables_are_named()
    {
        var e = Assert.Throws<RuntimeConfigurationException>(() => RuntimeEnvironment.FromVariables(Variables(
            ("AWS_LAMBDA_RUNTIME_API", "http://x/"), ("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "lots"), ("TIERED_NODE_STORAGE_FRACTION", "0"), ("AWS_LAMBDA_LOG_LEVEL", "loud"))));
        Assert.Equal(5, e.Problems.Count);
        foreach (string key in new[] { "AWS_LAMBDA_RUNTIME_API 'http://x/'", "AWS_LAMBDA_FUNCTION_NAME is not set", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE 'lots'", "TIERED_NODE_STORAGE_FRACTION '0'", "AWS_LAMBDA_LOG_LEVEL 'loud'" })
            Assert.Contains(e.Problems, p => p.Contains(key, StringComparison.Ordinal));
    }

    [Fact]
    public void The_error_document_has_Lambdas_shape()
    {
        var error = RuntimeError.FromException(new ArgumentException("bad payload"));
        Assert.Equal("""{"errorMessage":"bad payload","errorType":"ArgumentException","stackTrace":[]}""", System.Text.Encoding.UTF8.GetString(error.ToJson()));
    }
}
