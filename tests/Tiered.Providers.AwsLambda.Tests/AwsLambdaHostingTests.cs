using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Tiered.Hosting;
using Tiered.Providers.AwsLambda.Signing;
using Xunit;

namespace Tiered.Providers.AwsLambda.Tests;

/// <summary><c>AddTiered(…).UseAwsLambda(…)</c> and <c>Tiered:Backend:Kind = aws-lambda</c> with <c>Tiered:Backend:AwsLambda:*</c>, in real generic hosts.</summary>
public sealed class AwsLambdaHostingTests
{
    [Fact]
    public async Task UseAwsLambda_in_code_builds_the_backend_the_tier_runs_on()
    {
        await using var server = LoopbackLambdaServer.Scripted(ScriptedResponse.Json(200, "{}"));
        using var host = InCode(tier => tier
            .UseReedSolomon(2, 1)
            .UseAwsLambda(o =>
            {
                o.Region = LoopbackLambdaServer.Region;
                o.ServiceUrl = server.Url.ToString();
                o.FunctionCount = 3;
                o.AccessKeyId = LoopbackLambdaServer.AccessKey;
                o.SecretAccessKey = LoopbackLambdaServer.SecretKey;
            })
            .ConfigureProxy(p => { p.ClientPort = 0; p.NodePort = 0; p.WarmUpInterval = TimeSpan.FromHours(1); }));

        await host.StartAsync(Timeout());
        try
        {
            var backend = Assert.IsType<AwsLambdaFunctionBackend>(host.Services.GetRequiredService<TieredRuntime>().Backend);
            Assert.Equal(["tiered-node-000", "tiered-node-001", "tiered-node-002"], backend.Functions);
            Assert.Equal(server.Url, backend.Endpoint);
            Assert.Equal("aws-lambda", host.Services.GetRequiredService<IOptions<TieredOptions>>().Value.Backend.Kind);
        }
        finally
        {
            await host.StopAsync(Timeout());
        }
    }

    [Fact]
    public async Task Configuration_selects_and_configures_the_aws_lambda_backend()
    {
        await using var server = LoopbackLambdaServer.Scripted(ScriptedResponse.Json(200, "{}"));
        string json = $$"""
            {
              "Tiered": {
                "Codec": { "Kind": "rs", "DataShards": 2, "ParityShards": 1 },
                "Backend": {
                  "Kind": "aws-lambda",
                  "AwsLambda": {
                    "Region": "us-east-1",
                    "ServiceUrl": "{{server.Url}}",
                    "FunctionNames": [ "node-a", "node-b", "node-c", "node-d" ],
                    "Qualifier": "live",
                    "MemoryMiB": 2048,
                    "Timeout": "00:05:00",
                    "HttpTimeout": "00:05:10",
                    "MaxRetries": 5,
                    "RetryBaseDelay": "00:00:00.050",
                    "AccessKeyId": "{{LoopbackLambdaServer.AccessKey}}",
                    "SecretAccessKey": "{{LoopbackLambdaServer.SecretKey}}"
                  }
                },
                "Proxy": { "ClientPort": 0, "NodePort": 0, "WarmUpInterval": "01:00:00" }
              }
            }
            """;
        using var host = FromJson(json, tier => tier.AddAwsLambdaBackend());

        await host.StartAsync(Timeout());
        try
        {
            var backend = Assert.IsType<AwsLambdaFunctionBackend>(host.Services.GetRequiredService<TieredRuntime>().Backend);
            Assert.Equal(["node-a", "node-b", "node-c", "node-d"], backend.Functions);
            Assert.Equal("live", backend.Qualifier);
            Assert.Equal(2048L * 1024 * 1024, backend.Limits.MemoryBytes);
            Assert.Equal(TimeSpan.FromMinutes(5), backend.Limits.Timeout);
            Assert.Equal(TimeSpan.FromSeconds(310), backend.HttpTimeout);
            Assert.Equal(new Uri(server.Url, "2015-03-31/functions/node-b/invocations?Qualifier=live"), backend.InvocationUri("node-b"));
        }
        finally
        {
            await host.StopAsync(Timeout());
        }
    }

    [Theory]
    [InlineData("""{ "Region": "us-east-1", "FunctionCount": 3, "FunctionCont": 3 }""", "Tiered:Backend:AwsLambda:FunctionCont is not a known setting (known under Tiered:Backend:AwsLambda: Region, ServiceUrl, FunctionNames")]
    [InlineData("""{ "FunctionCount": 3 }""", "Tiered:Backend:AwsLambda:Region is required")]
    [InlineData("""{ "Region": "us-east-1" }""", "Tiered:Backend:AwsLambda:FunctionNames or Tiered:Backend:AwsLambda:FunctionCount is required")]
    [InlineData("""{ "Region": "US East", "FunctionCount": 3 }""", "Tiered:Backend:AwsLambda:Region 'US East' is not a region name")]
    [InlineData("""{ "Region": "us-east-1", "FunctionCount": 3, "Timeout": "00:02:00", "HttpTimeout": "00:01:00" }""", "Tiered:Backend:AwsLambda:HttpTimeout must exceed Tiered:Backend:AwsLambda:Timeout")]
    [InlineData("""{ "Region": "us-east-1", "FunctionCount": 3, "AccessKeyId": "AKID" }""", "Tiered:Backend:AwsLambda:SecretAccessKey is required when Tiered:Backend:AwsLambda:AccessKeyId is set")]
    [InlineData("""{ "Region": "us-east-1", "FunctionCount": 3, "ServiceUrl": "127.0.0.1:9001" }""", "Tiered:Backend:AwsLambda:ServiceUrl '127.0.0.1:9001' is not an absolute http or https URL")]
    [InlineData("""{ "Region": "us-east-1", "FunctionNames": [ "a", "a", "b" ] }""", "Tiered:Backend:AwsLambda:FunctionNames contains 'a' twice")]
    [InlineData("""{ "Region": "us-east-1", "FunctionCount": 3, "MemoryMiB": 64 }""", "Tiered:Backend:AwsLambda:MemoryMiB must be from 128 to 10240 (was 64)")]
    [InlineData("""{ "Region": "us-east-1", "FunctionCount": 3, "Timeout": "00:20:00" }""", "Tiered:Backend:AwsLambda:Timeout must be positive and at most 00:15:00")]
    [InlineData("""{ "Region": "us-east-1", "FunctionCount": 3, "Qualifier": "no spaces" }""", "Tiered:Backend:AwsLambda:Qualifier 'no spaces' is not a version or alias")]
    public async Task A_bad_AwsLambda_setting_fails_startup_naming_the_key(string awsLambda, string expected)
    {
        string json = $$"""{ "Tiered": { "Backend": { "Kind": "aws-lambda", "AwsLambda": {{awsLambda}} }, "Proxy": { "ClientPort": 0, "NodePort": 0 } } }""";
        using var host = FromJson(json, tier => tier.AddAwsLambdaBackend());

        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(Timeout()));

        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public async Task Without_the_provider_registered_the_AwsLambda_section_is_unknown()
    {
        using var host = FromJson("""{ "Tiered": { "Backend": { "AwsLambda": { "Region": "us-east-1" } } } }""");

        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(Timeout()));

        Assert.Contains("Tiered:Backend:AwsLambda is not a known setting", e.Message);
    }

    [Fact]
    public async Task A_registered_but_unselected_backend_accepts_its_section_and_is_not_validated()
    {
        string json = """
            { "Tiered": { "Backend": { "Kind": "local", "Local": { "FunctionCount": 3, "MemoryMiB": 64, "ColdStartDelay": "00:00:00" }, "AwsLambda": { "FunctionCount": 3 } },
                          "Codec": { "Kind": "rs", "DataShards": 2, "ParityShards": 1 }, "Proxy": { "ClientPort": 0, "NodePort": 0 } } }
            """;
        using var host = FromJson(json, tier => tier.AddAwsLambdaBackend());

        await host.StartAsync(Timeout());
        Assert.Equal("local", host.Services.GetRequiredService<TieredRuntime>().Backend.Name);
        await host.StopAsync(Timeout());
    }

    [Fact]
    public async Task Code_is_applied_after_configuration()
    {
        string json = """{ "Tiered": { "Backend": { "AwsLambda": { "Region": "eu-west-1", "FunctionCount": 8, "Qualifier": "blue" } }, "Codec": { "Kind": "rs", "DataShards": 2, "ParityShards": 1 }, "Proxy": { "ClientPort": 0, "NodePort": 0 } } }""";
        using var host = FromJson(json, tier => tier.UseAwsLambda(o =>
        {
            o.Qualifier = "green";
            (o.AccessKeyId, o.SecretAccessKey) = ("AKIDCODE", "code-secret");
        }));

        await host.StartAsync(Timeout());
        try
        {
            var backend = Assert.IsType<AwsLambdaFunctionBackend>(host.Services.GetRequiredService<TieredRuntime>().Backend);
            Assert.Equal("green", backend.Qualifier);
            Assert.Equal("eu-west-1", backend.Region);
            Assert.Equal(8, backend.Functions.Count);
            Assert.Equal(new Uri("https://lambda.eu-west-1.amazonaws.com/"), backend.Endpoint);
        }
        finally
        {
            await host.StopAsync(Timeout());
        }
    }

    [Fact]
    public async Task A_registered_credentials_provider_is_used()
    {
        using var provider = AwsCredentialsProvider.Static(new AwsCredentials("AKIDFROMDI", "di-secret"));
        using var host = InCode(
            tier => tier.UseReedSolomon(2, 1).UseAwsLambda(o => { o.Region = "us-east-1"; o.FunctionCount = 3; })
                .ConfigureProxy(p => { p.ClientPort = 0; p.NodePort = 0; }),
            builder => builder.Services.AddSingleton<IAwsCredentialsProvider>(provider));

        await host.StartAsync(Timeout());
        try
        {
            var backend = Assert.IsType<AwsLambdaFunctionBackend>(host.Services.GetRequiredService<TieredRuntime>().Backend);
            Assert.Equal("static credentials (AKIDFROMDI)", backend.CredentialsSource);
        }
        finally
        {
            await host.StopAsync(Timeout());
        }
    }

    [Fact]
    public async Task The_shipped_sample_configuration_starts_a_tier_on_aws_lambda()
    {
        string sample = Path.Combine(TestEnvironment.RepositoryRoot, "docs", "config", "aws-lambda.json");
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = "Test" });
        builder.Configuration.AddJsonFile(sample, optional: false);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            // Only what a machine without the cloud needs: free loopback ports and static keys (nothing is invoked).
            ["Tiered:Proxy:Host"] = "127.0.0.1", ["Tiered:Proxy:ClientPort"] = "0", ["Tiered:Proxy:NodePort"] = "0",
            ["Tiered:Backend:AwsLambda:AccessKeyId"] = LoopbackLambdaServer.AccessKey, ["Tiered:Backend:AwsLambda:SecretAccessKey"] = LoopbackLambdaServer.SecretKey,
        });
        builder.Services.AddTiered(tier => tier.AddAwsLambdaBackend());
        using var host = builder.Build();

        await host.StartAsync(Timeout());
        try
        {
            var backend = Assert.IsType<AwsLambdaFunctionBackend>(host.Services.GetRequiredService<TieredRuntime>().Backend);
            Assert.Equal(400, backend.Functions.Count);
            Assert.Equal("tiered-node-000", backend.Functions[0]);
            Assert.Equal("us-east-1", backend.Region);
        }
        finally
        {
            await host.StopAsync(Timeout());
        }
    }

    [Fact]
    public void UseAwsLambda_twice_registers_once()
    {
        var services = new ServiceCollection();
        var builder = services.AddTiered(tier => tier.UseAwsLambda().UseAwsLambda(o => o.FunctionCount = 2));
        Assert.Equal(["local", "aws-lambda"], builder.Registry.BackendKinds);
    }

    private static IHost FromJson(string json, Action<TieredBuilder>? configure = null)
    {
        string dir = Directory.CreateTempSubdirectory("tiered-aws-hosting-").FullName;
        string path = Path.Combine(dir, "appsettings.json");
        File.WriteAllText(path, json);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, ContentRootPath = dir, EnvironmentName = "Test" });
        builder.Configuration.AddJsonFile(path, optional: false);
        builder.Services.AddTiered(configure);
        return builder.Build();
    }

    private static IHost InCode(Action<TieredBuilder> configure, Action<HostApplicationBuilder>? more = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = "Test" });
        builder.Services.AddTiered(configure);
        more?.Invoke(builder);
        return builder.Build();
    }

    private static CancellationToken Timeout(int seconds = 60) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;
}
