namespace Tiered.Functions.Azure.Tests;

/// <summary>The worker's settings from app settings, platform variables, host.json and the cgroup.</summary>
public sealed class NodeWorkerSettingsTests
{
    private static NodeWorkerSettings Read(Dictionary<string, string?> variables, string? hostJson = null, Dictionary<string, string>? files = null)
    {
        files ??= [];
        if (hostJson is not null) files["/app/host.json"] = hostJson;
        return NodeWorkerSettings.FromVariables(name => variables.GetValueOrDefault(name), hostJson is null ? null : "/app/host.json", path => files.GetValueOrDefault(path));
    }

    [Fact]
    public void Nothing_set_gives_a_random_local_instance_1536_MB_and_the_230_second_HTTP_limit()
    {
        var settings = Read([]);

        Assert.StartsWith("local-", settings.InstanceId);
        Assert.NotEqual(settings.InstanceId, Read([]).InstanceId);
        Assert.Equal("node", settings.FunctionName);
        Assert.Equal(1536, settings.MemoryMiB);
        Assert.Equal("default", settings.MemorySource);
        Assert.Equal(TimeSpan.FromSeconds(230), settings.FunctionTimeout);
        Assert.Equal("default", settings.FunctionTimeoutSource);
        Assert.Equal(0.6, settings.NodeOptions.StorageFraction);
        Assert.Equal(TimeSpan.FromSeconds(15), settings.NodeOptions.DeadlineMargin);
    }

    [Fact]
    public void The_platform_names_the_app_and_the_instance_and_the_process_is_part_of_the_instance_id()
    {
        var settings = Read(new() { ["WEBSITE_SITE_NAME"] = "contoso-tiered-007", ["WEBSITE_INSTANCE_ID"] = "0b4e1f2a3c" });

        Assert.Equal("contoso-tiered-007", settings.FunctionName);
        Assert.Equal("0b4e1f2a3c-" + NodeWorkerSettings.ProcessId, settings.InstanceId);
        Assert.Matches("^0b4e1f2a3c-[0-9a-f]{8}$", settings.InstanceId);
        Assert.Equal(settings.InstanceId, Read(new() { ["WEBSITE_INSTANCE_ID"] = "0b4e1f2a3c" }).InstanceId);   // stable within the process
    }

    [Theory]
    [InlineData("4096", "2048", "/sys/fs/cgroup/memory.max", "1073741824", 4096, "TIERED_NODE_MEMORY_MIB")]
    [InlineData(null, "2048", "/sys/fs/cgroup/memory.max", "1073741824", 2048, "WEBSITE_MEMORY_LIMIT_MB")]
    [InlineData(null, null, "/sys/fs/cgroup/memory.max", "536870912\n", 512, "cgroup")]
    [InlineData(null, null, "/sys/fs/cgroup/memory.max", "max\n", 1536, "default")]
    [InlineData(null, null, "/sys/fs/cgroup/memory/memory.limit_in_bytes", "2147483648", 2048, "cgroup")]
    [InlineData(null, null, "/sys/fs/cgroup/memory/memory.limit_in_bytes", "9223372036854771712", 1536, "default")]
    public void Memory_comes_from_the_setting_the_platform_or_the_cgroup(string? setting, string? platform, string file, string content, int expected, string source)
    {
        var settings = Read(new() { ["TIERED_NODE_MEMORY_MIB"] = setting, ["WEBSITE_MEMORY_LIMIT_MB"] = platform }, files: new() { [file] = content });

        Assert.Equal(expected, settings.MemoryMiB);
        Assert.Equal(source, settings.MemorySource);
        Assert.Equal(expected * 1024L * 1024, settings.MemoryBytes);
    }

    [Theory]
    [InlineData("""{ "version": "2.0", "functionTimeout": "00:02:00" }""", null, 120, "host.json")]
    [InlineData("""{ "version": "2.0", "functionTimeout": "00:10:00" }""", null, 230, "host.json")]
    [InlineData("""{ "version": "2.0", "functionTimeout": "-1" }""", null, 230, "host.json")]
    [InlineData("""{ "version": "2.0" }""", null, 230, "default")]
    [InlineData("""{ "version": "2.0", /* comments are allowed */ "functionTimeout": "00:03:00", }""", null, 180, "host.json")]
    [InlineData("""{ "version": "2.0", "functionTimeout": "00:03:00" }""", "00:01:30", 90, "AzureFunctionsJobHost__functionTimeout")]
    public void The_deadline_is_functionTimeout_capped_at_230_seconds(string hostJson, string? appSetting, int seconds, string source)
    {
        var settings = Read(new() { ["AzureFunctionsJobHost__functionTimeout"] = appSetting }, hostJson);

        Assert.Equal(TimeSpan.FromSeconds(seconds), settings.FunctionTimeout);
        Assert.Equal(source, settings.FunctionTimeoutSource);
    }

    [Fact]
    public void The_shipped_host_json_gives_the_full_230_seconds()
    {
        string hostJson = Path.Combine(RepositoryRoot(), "Hosts", "Tiered.Functions.Azure", "host.json");
        var settings = NodeWorkerSettings.FromVariables(_ => null, hostJson);

        Assert.Equal(TimeSpan.FromSeconds(230), settings.FunctionTimeout);
        Assert.Equal("host.json", settings.FunctionTimeoutSource);
        Assert.True(File.Exists(Path.Combine(AppContext.BaseDirectory, "host.json")), "host.json is copied next to the worker");
    }

    [Fact]
    public void Node_tuning_comes_from_TIERED_NODE_settings()
    {
        var settings = Read(new() { ["TIERED_NODE_STORAGE_FRACTION"] = "0.4", ["TIERED_NODE_DEADLINE_MARGIN_MS"] = "5000", ["TIERED_NODE_HANDSHAKE_TIMEOUT_MS"] = "2500" });

        Assert.Equal(0.4, settings.NodeOptions.StorageFraction);
        Assert.Equal(TimeSpan.FromSeconds(5), settings.NodeOptions.DeadlineMargin);
        Assert.Equal(TimeSpan.FromMilliseconds(2500), settings.NodeOptions.HandshakeTimeout);
    }

    [Fact]
    public void Every_bad_setting_is_named_at_once()
    {
        var e = Assert.Throws<NodeWorkerConfigurationException>(() => Read(
            new() { ["TIERED_NODE_MEMORY_MIB"] = "lots", ["TIERED_NODE_STORAGE_FRACTION"] = "2", ["TIERED_NODE_HANDSHAKE_TIMEOUT_MS"] = "0" },
            """{ "functionTimeout": "soon" }"""));

        Assert.Equal(4, e.Problems.Count);
        Assert.Contains("TIERED_NODE_MEMORY_MIB 'lots' is not a positive number of MB.", e.Problems);
        Assert.Contains("host.json functionTimeout 'soon' is not a positive time span (hh:mm:ss) or -1.", e.Problems);
        Assert.Contains("TIERED_NODE_STORAGE_FRACTION '2' is not a number in (0, 1].", e.Problems);
        Assert.Contains("TIERED_NODE_HANDSHAKE_TIMEOUT_MS '0' is not a positive number of milliseconds up to 230000.", e.Problems);
        Assert.StartsWith("The Tiered node worker's settings are not valid: ", e.Message);
    }

    [Fact]
    public void A_host_json_that_is_not_JSON_is_named()
    {
        var e = Assert.Throws<NodeWorkerConfigurationException>(() => Read([], "{ not json"));
        Assert.StartsWith("/app/host.json is not valid JSON:", Assert.Single(e.Problems));
    }

    internal static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Tiered.sln"))) return dir.FullName;
        throw new InvalidOperationException($"No directory above {AppContext.BaseDirectory} holds Tiered.sln.");
    }
}
