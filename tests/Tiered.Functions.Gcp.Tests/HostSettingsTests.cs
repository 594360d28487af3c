using System.Net;
using Microsoft.Extensions.Logging;

namespace Tiered.Functions.Gcp.Tests;

/// <summary>How the host reads Cloud Run's environment and its own <c>TIERED_*</c> variables.</summary>
public sealed class HostSettingsTests
{
    private static HostSettings Read(Dictionary<string, string> variables, Dictionary<string, string>? files = null) =>
        HostSettings.FromVariables(name => variables.GetValueOrDefault(name), path => files?.GetValueOrDefault(path));

    [Fact]
    public void Defaults_follow_the_Cloud_Run_contract()
    {
        var settings = Read([]);

        Assert.Equal(8080, settings.Port);
        Assert.Null(settings.ListenAddress);
        Assert.Equal("tiered-node", settings.FunctionName);
        Assert.Equal(512, settings.MemoryMiB);
        Assert.Equal("default", settings.MemorySource);
        Assert.Equal(TimeSpan.FromMinutes(60), settings.RequestTimeout);
        Assert.Null(settings.RequiredBearer);
        Assert.Equal(LogLevel.Information, settings.LogLevel);
        Assert.Equal(TimeSpan.FromSeconds(5), settings.NodeOptions.DeadlineMargin);
        Assert.Equal(32, settings.InstanceId.Length);
        Assert.NotEqual(settings.InstanceId, Read([]).InstanceId);   // random per process
    }

    [Fact]
    public void Cloud_Run_variables_and_Tiered_variables_are_read()
    {
        var settings = Read(new()
        {
            ["PORT"] = "9090", ["K_SERVICE"] = "tiered-node-042", ["K_REVISION"] = "tiered-node-042-00003-xyz",
            ["TIERED_LISTEN_HOST"] = "127.0.0.1", ["TIERED_MEMORY_MIB"] = "2048", ["TIERED_REQUEST_TIMEOUT"] = "15m",
            ["TIERED_REQUIRED_BEARER"] = "secret", ["TIERED_LOG_LEVEL"] = "debug",
            ["TIERED_NODE_STORAGE_FRACTION"] = "0.5", ["TIERED_NODE_DEADLINE_MARGIN_MS"] = "3000", ["TIERED_NODE_HANDSHAKE_TIMEOUT_MS"] = "1500",
        });

        Assert.Equal(9090, settings.Port);
        Assert.Equal(IPAddress.Loopback, settings.ListenAddress);
        Assert.Equal("tiered-node-042", settings.FunctionName);
        Assert.Equal("tiered-node-042-00003-xyz", settings.Revision);
        Assert.Equal(2048, settings.MemoryMiB);
        Assert.Equal(2048L * 1024 * 1024, settings.MemoryBytes);
        Assert.Equal("TIERED_MEMORY_MIB", settings.MemorySource);
        Assert.Equal(TimeSpan.FromMinutes(15), settings.RequestTimeout);
        Assert.Equal("secret", settings.RequiredBearer);
        Assert.Equal(LogLevel.Debug, settings.LogLevel);
        Assert.Equal(0.5, settings.NodeOptions.StorageFraction);
        Assert.Equal(TimeSpan.FromSeconds(3), settings.NodeOptions.DeadlineMargin);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), settings.NodeOptions.HandshakeTimeout);
    }

    [Theory]
    [InlineData("/sys/fs/cgroup/memory.max", "1073741824", 1024, "cgroup")]
    [InlineData("/sys/fs/cgroup/memory/memory.limit_in_bytes", "2147483648", 2048, "cgroup")]
    [InlineData("/sys/fs/cgroup/memory.max", "max", 512, "default")]
    [InlineData("/sys/fs/cgroup/memory/memory.limit_in_bytes", "9223372036854771712", 512, "default")]   // cgroup v1 "unlimited"
    public void Without_TIERED_MEMORY_MIB_the_cgroup_limit_is_the_memory(string file, string content, int expected, string source)
    {
        var settings = Read([], new() { [file] = content + "\n" });
        Assert.Equal(expected, settings.MemoryMiB);
        Assert.Equal(source, settings.MemorySource);
    }

    [Fact]
    public void TIERED_MEMORY_MIB_wins_over_the_cgroup()
    {
        var settings = Read(new() { ["TIERED_MEMORY_MIB"] = "300" }, new() { ["/sys/fs/cgroup/memory.max"] = "1073741824" });
        Assert.Equal(300, settings.MemoryMiB);
    }

    [Theory]
    [InlineData("3600", 3600)]
    [InlineData("90s", 90)]
    [InlineData("5m", 300)]
    [InlineData("1h", 3600)]
    [InlineData("00:30:00", 1800)]
    [InlineData("0.5", 0.5)]
    public void Request_timeouts_read_in_several_forms(string text, double seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), Read(new() { ["TIERED_REQUEST_TIMEOUT"] = text, ["TIERED_NODE_DEADLINE_MARGIN_MS"] = "0" }).RequestTimeout);

    [Fact]
    public void Every_bad_variable_is_named_at_once()
    {
        var e = Assert.Throws<HostConfigurationException>(() => Read(new()
        {
            ["PORT"] = "http", ["TIERED_LISTEN_HOST"] = "localhost", ["TIERED_MEMORY_MIB"] = "8", ["TIERED_REQUEST_TIMEOUT"] = "forever",
            ["TIERED_REQUIRED_BEARER"] = "two words", ["TIERED_LOG_LEVEL"] = "loud", ["TIERED_NODE_STORAGE_FRACTION"] = "2",
        }));

        Assert.Equal(7, e.Problems.Count);
        foreach (var name in new[] { "PORT 'http'", "TIERED_LISTEN_HOST 'localhost'", "TIERED_MEMORY_MIB '8'", "TIERED_REQUEST_TIMEOUT 'forever'", "TIERED_REQUIRED_BEARER", "TIERED_LOG_LEVEL 'loud'", "TIERED_NODE_STORAGE_FRACTION '2'" })
            Assert.Contains(name, e.Message);
    }

    [Fact]
    public void The_deadline_margin_must_be_shorter_than_the_request_timeout()
    {
        var e = Assert.Throws<HostConfigurationException>(() => Read(new() { ["TIERED_REQUEST_TIMEOUT"] = "4s" }));
        Assert.Contains("TIERED_NODE_DEADLINE_MARGIN_MS (5000 ms) must be shorter than the request timeout", e.Message);
    }

    [Fact]
    public void Log_lines_are_single_JSON_objects_in_Cloud_Loggings_shape()
    {
        var output = new StringWriter();
        var settings = Read(new() { ["K_SERVICE"] = "tiered-node-009" });
        using var provider = new JsonLineLoggerProvider(output, settings);
        var logger = provider.CreateLogger("Test");

        JsonLineLoggerProvider.Current.Value = new RequestScope("trace/span", "projects/p/traces/trace");
        logger.LogWarning("Node {NodeId} said {Count} things\nover two lines", "tiered-node-009", 3);
        JsonLineLoggerProvider.Current.Value = null;
        logger.LogDebug("not written at Information");

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var line = Assert.Single(lines);
        using var entry = System.Text.Json.JsonDocument.Parse(line);
        var root = entry.RootElement;
        Assert.Equal("WARNING", root.GetProperty("severity").GetString());
        Assert.Equal("Node tiered-node-009 said 3 things\nover two lines", root.GetProperty("message").GetString());
        Assert.Equal("tiered-node-009", root.GetProperty("function").GetString());
        Assert.Equal(settings.InstanceId, root.GetProperty("instanceId").GetString());
        Assert.Equal("trace/span", root.GetProperty("requestId").GetString());
        Assert.Equal("projects/p/traces/trace", root.GetProperty("logging.googleapis.com/trace").GetString());
        Assert.Equal(3, root.GetProperty("Count").GetInt32());
        Assert.True(DateTimeOffset.TryParse(root.GetProperty("time").GetString(), out _));
    }
}
