using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Tiered.Hosting;
using Tiered.Providers.Gcp.Auth;

namespace Tiered.Providers.Gcp.Tests;

/// <summary><c>AddTiered(…).UseGcpCloudRun(…)</c> and <c>Tiered:Backend:Kind = gcp-cloud-run</c> with <c>Tiered:Backend:Gcp:*</c>, in real generic hosts.</summary>
public sealed class GcpHostingTests
{
    [Fact]
    public async Task UseGcpCloudRun_in_code_builds_the_backend_the_tier_runs_on()
    {
        using var host = InCode(tier => tier
            .UseReedSolomon(2, 1)
            .UseGcpCloudRun(o =>
            {
                o.UrlPattern = "https://{name}-{projectNumber}.{region}.run.app";
                o.Region = "us-central1";
                o.ProjectNumber = "123456789012";
                o.FunctionCount = 3;
                o.StaticIdToken = "local";
            })
            .ConfigureProxy(p => { p.ClientPort = 0; p.NodePort = 0; p.WarmUpInterval = TimeSpan.FromHours(1); }));

        await host.StartAsync(Timeout());
        try
        {
            var backend = Assert.IsType<CloudRunFunctionBackend>(host.Services.GetRequiredService<TieredRuntime>().Backend);
            Assert.Equal(["tiered-node-000", "tiered-node-001", "tiered-node-002"], backend.Functions);
            Assert.Equal(new Uri("https://tiered-node-001-123456789012.us-central1.run.app/"), backend.FunctionUrl("tiered-node-001"));
            Assert.Equal("gcp-cloud-run", host.Services.GetRequiredService<IOptions<TieredOptions>>().Value.Backend.Kind);
        }
        finally
        {
            await host.StopAsync(Timeout());
        }
    }

    [Fact]
    public async Task Configuration_selects_and_configures_the_gcp_cloud_run_backend()
    {
        string json = """
            {
              "Tiered": {
                "Codec": { "Kind": "rs", "DataShards": 2, "ParityShards": 1 },
                "Backend": {
                  "Kind": "gcp-cloud-run",
                  "Gcp": {
                    "FunctionUrls": {
                      "node-a": "https://node-a-xyz-uc.a.run.app",
                      "node-b": "https://node-b-xyz-uc.a.run.app",
                      "node-c": "https://node-c-xyz-uc.a.run.app"
                    },
                    "Audience": "https://tiered.example.com",
                    "MemoryMiB": 2048,
                    "Timeout": "00:30:00",
                    "HttpTimeout": "00:30:10",
                    "MaxConcurrency": 4,
                    "MaxRetries": 5,
                    "CredentialSource": "MetadataServer",
                    "MetadataServerUrl": "http://127.0.0.1:1"
                  }
                },
                "Proxy": { "ClientPort": 0, "NodePort": 0, "WarmUpInterval": "01:00:00" }
              }
            }
            """;
        using var host = FromJson(json, tier => tier.AddGcpCloudRunBackend());

        await host.StartAsync(Timeout());
        try
        {
            var backend = Assert.IsType<CloudRunFunctionBackend>(host.Services.GetRequiredService<TieredRuntime>().Backend);
            Assert.Equal(["node-a", "node-b", "node-c"], backend.Functions);
            Assert.Equal(2048L * 1024 * 1024, backend.Limits.MemoryBytes);
            Assert.Equal(TimeSpan.FromMinutes(30), backend.Limits.Timeout);
            Assert.Equal(4, backend.Limits.MaxConcurrency);
            Assert.Equal(TimeSpan.FromSeconds(1810), backend.HttpTimeout);
            Assert.Equal("https://tiered.example.com", backend.AudienceOf("node-b"));
            Assert.StartsWith("the metadata server (http://127.0.0.1:1", backend.CredentialSource);
        }
        finally
        {
            await host.StopAsync(Timeout());
        }
    }

    [Theory]
    [InlineData("""{ "UrlPattern": "https://{name}.run.app", "FunctionCount": 3, "FunctionCont": 3 }""", "Tiered:Backend:Gcp:FunctionCont is not a known setting (known under Tiered:Backend:Gcp: FunctionUrls, UrlPattern, FunctionNames")]
    [InlineData("""{ "FunctionCount": 3 }""", "Tiered:Backend:Gcp:FunctionUrls or Tiered:Backend:Gcp:UrlPattern is required")]
    [InlineData("""{ "UrlPattern": "https://{name}.run.app" }""", "Tiered:Backend:Gcp:FunctionNames or Tiered:Backend:Gcp:FunctionCount is required")]
    [InlineData("""{ "UrlPattern": "https://{name}-{projectNumber}.{region}.run.app", "FunctionCount": 3 }""", "Tiered:Backend:Gcp:Region is required: Tiered:Backend:Gcp:UrlPattern uses {region}")]
    [InlineData("""{ "UrlPattern": "https://{name}.run.app", "FunctionCount": 3, "Timeout": "02:00:00" }""", "Tiered:Backend:Gcp:Timeout must be positive and at most 01:00:00")]
    [InlineData("""{ "UrlPattern": "https://{name}.run.app", "FunctionCount": 3, "MemoryMiB": 64 }""", "Tiered:Backend:Gcp:MemoryMiB must be from 128 to 32768 (was 64)")]
    [InlineData("""{ "FunctionUrls": { "a": "a.run.app" } }""", "Tiered:Backend:Gcp:FunctionUrls:a 'a.run.app' is not an absolute http or https URL")]
    [InlineData("""{ "UrlPattern": "https://{name}.run.app", "FunctionCount": 3, "CredentialSource": "StaticToken" }""", "Tiered:Backend:Gcp:StaticIdToken is required when Tiered:Backend:Gcp:CredentialSource is StaticToken")]
    [InlineData("""{ "UrlPattern": "https://{name}.run.app", "FunctionNames": [ "a", "a" ] }""", "Tiered:Backend:Gcp:FunctionNames contains 'a' twice")]
    public async Task A_bad_Gcp_setting_fails_startup_naming_the_key(string gcp, string expected)
    {
        string json = $$"""{ "Tiered": { "Backend": { "Kind": "gcp-cloud-run", "Gcp": {{gcp}} }, "Proxy": { "ClientPort": 0, "NodePort": 0 } } }""";
        using var host = FromJson(json, tier => tier.AddGcpCloudRunBackend());

        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(Timeout()));

        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public async Task Without_the_provider_registered_the_Gcp_section_is_unknown()
    {
        using var host = FromJson("""{ "Tiered": { "Backend": { "Gcp": { "FunctionCount": 3 } } } }""");

        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(Timeout()));

        Assert.Contains("Tiered:Backend:Gcp is not a known setting", e.Message);
    }

    [Fact]
    public async Task A_registered_but_unselected_backend_accepts_its_section_and_is_not_validated()
    {
        string json = """
            { "Tiered": { "Backend": { "Kind": "local", "Local": { "FunctionCount": 3, "MemoryMiB": 64, "ColdStartDelay": "00:00:00" }, "Gcp": { "FunctionCount": 3 } },
                          "Codec": { "Kind": "rs", "DataShards": 2, "ParityShards": 1 }, "Proxy": { "ClientPort": 0, "NodePort": 0 } } }
            """;
        using var host = FromJson(json, tier => tier.AddGcpCloudRunBackend());

        await host.StartAsync(Timeout());
        Assert.Equal("local", host.Services.GetRequiredService<TieredRuntime>().Backend.Name);
        await host.StopAsync(Timeout());
    }

    [Fact]
    public async Task Code_is_applied_after_configuration_and_a_registered_token_source_is_used()
    {
        string json = """{ "Tiered": { "Backend": { "Gcp": { "UrlPattern": "https://{name}.run.app", "FunctionCount": 8, "MemoryMiB": 1024 } }, "Codec": { "Kind": "rs", "DataShards": 2, "ParityShards": 1 }, "Proxy": { "ClientPort": 0, "NodePort": 0 } } }""";
        var tokens = new RecordingTokenSource();
        using var host = FromJson(json, tier => tier.UseGcpCloudRun(o => o.MemoryMiB = 4096), services => services.AddSingleton<IIdTokenSource>(tokens));

        await host.StartAsync(Timeout());
        try
        {
            var backend = Assert.IsType<CloudRunFunctionBackend>(host.Services.GetRequiredService<TieredRuntime>().Backend);
            Assert.Equal(4096L * 1024 * 1024, backend.Limits.MemoryBytes);
            Assert.Equal(8, backend.Functions.Count);
            Assert.Equal("the test token source", backend.CredentialSource);
        }
        finally
        {
            await host.StopAsync(Timeout());
        }
    }

    [Fact]
    public async Task The_shipped_sample_configuration_starts_a_tier_on_gcp_cloud_run()
    {
        string sample = Path.Combine(RepositoryRoot(), "docs", "config", "gcp.json");
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = "Test" });
        builder.Configuration.AddJsonFile(sample, optional: false);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            // Only what a machine without the cloud needs: free loopback ports (nothing is invoked, no token is fetched).
            ["Tiered:Proxy:Host"] = "127.0.0.1", ["Tiered:Proxy:ClientPort"] = "0", ["Tiered:Proxy:NodePort"] = "0",
        });
        builder.Services.AddTiered(tier => tier.AddGcpCloudRunBackend());
        using var host = builder.Build();

        await host.StartAsync(Timeout());
        try
        {
            var backend = Assert.IsType<CloudRunFunctionBackend>(host.Services.GetRequiredService<TieredRuntime>().Backend);
            Assert.Equal(64, backend.Functions.Count);
            Assert.Equal("tiered-node-000", backend.Functions[0]);
            Assert.Equal(new Uri("https://tiered-node-000-123456789012.us-central1.run.app/"), backend.FunctionUrl("tiered-node-000"));
            Assert.Equal(1024L * 1024 * 1024, backend.Limits.MemoryBytes);
            Assert.Equal("application default credentials", backend.CredentialSource);
        }
        finally
        {
            await host.StopAsync(Timeout());
        }
    }

    [Fact]
    public void UseGcpCloudRun_twice_registers_once()
    {
        var services = new ServiceCollection();
        var builder = services.AddTiered(tier => tier.UseGcpCloudRun().UseGcpCloudRun(o => o.FunctionCount = 2));
        Assert.Equal(["local", "gcp-cloud-run"], builder.Registry.BackendKinds);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Tiered.sln"))) return dir.FullName;
        throw new InvalidOperationException($"No directory above {AppContext.BaseDirectory} holds Tiered.sln.");
    }

    private static IHost FromJson(string json, Action<TieredBuilder>? configure = null, Action<IServiceCollection>? services = null)
    {
        string dir = Directory.CreateTempSubdirectory("tiered-gcp-hosting-").FullName;
        string path = Path.Combine(dir, "appsettings.json");
        File.WriteAllText(path, json);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, ContentRootPath = dir, EnvironmentName = "Test" });
        builder.Configuration.AddJsonFile(path, optional: false);
        builder.Services.AddTiered(configure);
        services?.Invoke(builder.Services);
        return builder.Build();
    }

    private static IHost InCode(Action<TieredBuilder> configure)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = "Test" });
        builder.Services.AddTiered(configure);
        return builder.Build();
    }

    private static CancellationToken Timeout(int seconds = 60) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;
}
