namespace Tiered.Providers.Gcp.Tests;

public sealed class CloudRunFunctionOptionsTests
{
    private static CloudRunFunctionOptions Valid() => new() { UrlPattern = "https://{name}-{projectNumber}.{region}.run.app", FunctionCount = 3, Region = "us-central1", ProjectNumber = "123" };

    [Fact]
    public void Defaults_are_valid_once_the_pool_is_given()
    {
        var options = Valid();
        Assert.Empty(options.GetValidationErrors());
        Assert.Equal(512, options.MemoryMiB);
        Assert.Equal(TimeSpan.FromMinutes(60), options.Timeout);
        Assert.Equal(TimeSpan.FromMinutes(60) + TimeSpan.FromSeconds(30), options.EffectiveHttpTimeout);
        Assert.Equal(GcpCredentialSource.ApplicationDefault, options.EffectiveCredentialSource);
        Assert.Equal(["tiered-node-000", "tiered-node-001", "tiered-node-002"], options.ResolveFunctionNames());
    }

    [Fact]
    public void Generated_names_are_zero_padded_to_a_common_width()
    {
        var options = Valid();
        options.FunctionCount = 1001;
        var names = options.ResolveFunctionNames();
        Assert.Equal("tiered-node-0000", names[0]);
        Assert.Equal("tiered-node-1000", names[^1]);
    }

    [Fact]
    public void Explicit_URLs_are_the_pool_in_name_order()
    {
        var options = new CloudRunFunctionOptions
        {
            FunctionUrls = { ["node-b"] = "https://b.example/", ["node-a"] = "https://a.example/fn" },
            FunctionCount = 99,   // ignored
        };
        Assert.Empty(options.GetValidationErrors());
        Assert.Equal(["node-a", "node-b"], options.ResolveFunctionNames());
        var urls = options.ResolveFunctionUrls();
        Assert.Equal(new Uri("https://a.example/fn"), urls[0].Value);
        Assert.Equal("https://a.example/fn", options.ResolveAudience("node-a", 0, urls[0].Value));
        Assert.Equal("https://b.example", options.ResolveAudience("node-b", 1, urls[1].Value));
    }

    [Theory]
    [InlineData("https://{name}-abcdefghij-uc.a.run.app", "https://tiered-node-002-abcdefghij-uc.a.run.app/")]
    [InlineData("https://{name}-{projectHash}-uc.a.run.app", "https://tiered-node-002-hash1-uc.a.run.app/")]
    [InlineData("https://{region}-{project}.cloudfunctions.net/{name}", "https://us-central1-proj.cloudfunctions.net/tiered-node-002")]
    [InlineData("http://127.0.0.1:{index}0/", "http://127.0.0.1:20/")]
    public void Patterns_expand_their_placeholders(string pattern, string expected)
    {
        var options = new CloudRunFunctionOptions { UrlPattern = pattern, FunctionCount = 3, Region = "us-central1", ProjectId = "proj", ProjectHash = "hash1" };
        Assert.Empty(options.GetValidationErrors());
        Assert.Equal(new Uri(expected), options.ResolveFunctionUrls()[2].Value);
    }

    [Theory]
    [InlineData("https://static.run.app", "must contain {name}")]
    [InlineData("https://{name}.{zone}.run.app", "unknown placeholder {zone}")]
    [InlineData("https://{name.run.app", "has a '{' without '}'")]
    [InlineData("https://{name}-{project}.run.app", "CloudRunFunctionOptions.ProjectId is required: CloudRunFunctionOptions.UrlPattern uses {project}")]
    [InlineData("ftp://{name}.example", "does not give an absolute http or https URL")]
    [InlineData("https://{name}.run.app/?x=1", "does not give an absolute http or https URL without query")]
    public void A_bad_pattern_is_named(string pattern, string expected)
    {
        var options = new CloudRunFunctionOptions { UrlPattern = pattern, FunctionCount = 3 };
        Assert.Contains(options.GetValidationErrors(), e => e.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Every_bad_key_is_named()
    {
        var options = new CloudRunFunctionOptions
        {
            FunctionUrls = { ["a"] = "not a url", ["b c"] = "https://ok.example" },
            Region = "US Central",
            ProjectNumber = "12ab",
            MemoryMiB = 100,
            Timeout = TimeSpan.FromMinutes(61),
            HttpTimeout = TimeSpan.FromMinutes(1),
            ConnectTimeout = TimeSpan.Zero,
            MaxConcurrency = 0,
            MaxRetries = -1,
            RetryBaseDelay = TimeSpan.FromSeconds(2),
            RetryMaxDelay = TimeSpan.FromSeconds(1),
            StaticIdToken = "two words",
            MetadataServerUrl = "metadata",
            Audience = "https://{nope}",
        };
        var errors = options.GetValidationErrors();
        foreach (var expected in new[]
        {
            "CloudRunFunctionOptions.FunctionUrls:a 'not a url' is not an absolute http or https URL",
            "CloudRunFunctionOptions.FunctionUrls has a bad function name 'b c'",
            "CloudRunFunctionOptions.Region 'US Central' is not a region name",
            "CloudRunFunctionOptions.ProjectNumber '12ab' is not a project number",
            "CloudRunFunctionOptions.MemoryMiB must be from 128 to 32768 (was 100)",
            "CloudRunFunctionOptions.Timeout must be positive and at most 01:00:00",
            "CloudRunFunctionOptions.HttpTimeout must exceed CloudRunFunctionOptions.Timeout",
            "CloudRunFunctionOptions.ConnectTimeout must be positive",
            "CloudRunFunctionOptions.MaxConcurrency must be positive",
            "CloudRunFunctionOptions.MaxRetries must be from 0 to 100",
            "CloudRunFunctionOptions.RetryMaxDelay must be at least CloudRunFunctionOptions.RetryBaseDelay",
            "CloudRunFunctionOptions.StaticIdToken must be one token without spaces",
            "CloudRunFunctionOptions.MetadataServerUrl 'metadata' is not an absolute http URL",
            "CloudRunFunctionOptions.Audience 'https://{nope}' has an unknown placeholder {nope}",
        })
            Assert.Contains(errors, e => e.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Credential_keys_must_agree()
    {
        var both = Valid();
        both.StaticIdToken = "t";
        both.ServiceAccountKeyFile = "/k.json";
        Assert.Contains(both.GetValidationErrors(), e => e.Contains("StaticIdToken and CloudRunFunctionOptions.ServiceAccountKeyFile are both set", StringComparison.Ordinal));

        var staticWithoutToken = Valid();
        staticWithoutToken.CredentialSource = GcpCredentialSource.StaticToken;
        Assert.Contains(staticWithoutToken.GetValidationErrors(), e => e.StartsWith("CloudRunFunctionOptions.StaticIdToken is required when CloudRunFunctionOptions.CredentialSource is StaticToken", StringComparison.Ordinal));

        var fileWithoutPath = Valid();
        fileWithoutPath.CredentialSource = GcpCredentialSource.ServiceAccountKeyFile;
        Assert.Contains(fileWithoutPath.GetValidationErrors(), e => e.StartsWith("CloudRunFunctionOptions.ServiceAccountKeyFile is required", StringComparison.Ordinal));

        var contradicting = Valid();
        contradicting.CredentialSource = GcpCredentialSource.MetadataServer;
        contradicting.StaticIdToken = "t";
        Assert.Contains(contradicting.GetValidationErrors(), e => e.StartsWith("CloudRunFunctionOptions.StaticIdToken is set but CloudRunFunctionOptions.CredentialSource is MetadataServer", StringComparison.Ordinal));

        var implied = Valid();
        implied.ServiceAccountKeyFile = "/k.json";
        Assert.Equal(GcpCredentialSource.ServiceAccountKeyFile, implied.EffectiveCredentialSource);
        Assert.Empty(implied.GetValidationErrors());
    }

    [Fact]
    public void Clone_copies_the_collections()
    {
        var options = Valid();
        options.FunctionNames.Add("x");
        options.FunctionUrls["y"] = "https://y.example";
        var copy = options.Clone();
        options.FunctionNames.Clear();
        options.FunctionUrls.Clear();
        Assert.Equal(["x"], copy.FunctionNames);
        Assert.Equal("https://y.example", copy.FunctionUrls["y"]);
    }
}
