using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Tiered.Hosting;

namespace Tiered.Providers.Azure.Tests;

/// <summary><c>AddTiered(…).UseAzureFunctions(…)</c> and <c>Tiered:Backend:Kind = azure-functions</c> with <c>Tiered:Backend:Azure:*</c>, in real generic hosts.</summary>
public sealed class AzureFunctionsHostingTests
{
    [Fact]
    public async Task UseAzureFunctions_in_code_builds_the_backend_the_tier_runs_on()
    {
        using var host = InCode(tier => tier
            .UseReedSolomon(2, 1)
            .UseAzureFunctions(o => { o.FunctionCount = 3; o.FunctionKey = "k"; o.FunctionNamePrefix = "contoso-tiered-"; })
            .ConfigureProxy(p => { p.ClientPort = 0; p.NodePort = 0; p.WarmUpInterval = TimeSpan.FromHours(1); }));

        await host.StartAsync(Timeout());
        try
        {
            var backend = Assert.IsType<AzureFunctionsBackend>(host.Services.GetRequiredService<TieredRuntime>().Backend);
            Assert.Equal(["contoso-tiered-000", "contoso-tiered-001", "contoso-tiered-002"], backend.Functions);
            Assert.Equal(new Uri("https://contoso-tiered-001.azurewebsites.net/api/node"), backend.FunctionUrl("contoso-tiered-001"));
            Assert.Equal("azure-functions", host.Services.GetRequiredService<IOptions<TieredOptions>>().Value.Backend.Kind);
        }
        finally
        {
            await host.StopAsync(Timeout());
        }
    }

    [Fact]
    public async Task Configuration_selects_and_configures_the_azure_functions_backend()
    {
        string json = """
            {
              "Tiered": {
                "Codec": { "Kind": "rs", "DataShards": 2, "ParityShards": 1 },
                "Backend": {
                  "Kind": "azure-functions",
                  "Azure": {
                    "FunctionNames": [ "node-a", "node-b", "node-c", "node-d" ],
                    "AppName": "tiered-dev",
                    "BaseUrl": "https://{app}.azurewebsites.us",
                    "Plan": "Premium",
                    "MemoryMiB": 7168,
                    "Timeout": "00:03:00",
                    "HttpTimeout": "00:03:30",
                    "MaxConcurrency": 20,
                    "MaxRetries": 5,
                    "FunctionKeys": { "node-a": "key-a", "node-b": "key-b", "node-c": "key-c", "node-d": "key-d" }
                  }
                },
                "Proxy": { "ClientPort": 0, "NodePort": 0, "WarmUpInterval": "01:00:00" }
              }
            }
            """;
        using var host = FromJson(json, tier => tier.AddAzureFunctionsBackend());

        await host.StartAsync(Timeout());
        try
        {
            var backend = Assert.IsType<AzureFunctionsBackend>(host.Services.GetRequiredService<TieredRuntime>().Backend);
            Assert.Equal(["node-a", "node-b", "node-c", "node-d"], backend.Functions);
            Assert.Equal(AzureFunctionsPlan.Premium, backend.Plan);
            Assert.Equal(7168L * 1024 * 1024, backend.Limits.MemoryBytes);
            Assert.Equal(TimeSpan.FromMinutes(3), backend.Limits.Timeout);
            Assert.Equal(20, backend.Limits.MaxConcurrency);
            Assert.Equal(TimeSpan.FromSeconds(210), backend.HttpTimeout);
            Assert.Equal(new Uri("https://tiered-dev.azurewebsites.us/api/node/node-b"), backend.FunctionUrl("node-b"));
            Assert.Equal("configuration (FunctionKeys)", backend.KeySource);
        }
        finally
        {
            await host.StopAsync(Timeout());
        }
    }

    [Theory]
    [InlineData("""{ "FunctionCount": 3, "FunctionKey": "k", "FunctionCont": 3 }""", "Tiered:Backend:Azure:FunctionCont is not a known setting (known under Tiered:Backend:Azure: FunctionNames, FunctionNamePrefix, FunctionCount, AppName")]
    [InlineData("""{ "FunctionKey": "k" }""", "Tiered:Backend:Azure:FunctionNames or Tiered:Backend:Azure:FunctionCount is required")]
    [InlineData("""{ "FunctionCount": 3 }""", "Tiered:Backend:Azure:FunctionKey is required")]
    [InlineData("""{ "FunctionCount": 3, "FunctionKey": "k", "Timeout": "00:10:00" }""", "Tiered:Backend:Azure:Timeout must be positive and at most 00:03:50 — Azure's load balancer ends an HTTP-triggered function's request after 230 s")]
    [InlineData("""{ "FunctionCount": 3, "FunctionKey": "k", "MemoryMiB": 1536 }""", "Tiered:Backend:Azure:MemoryMiB must be one of the FlexConsumption instance sizes: 512, 2048, 4096 (was 1536).")]
    [InlineData("""{ "FunctionCount": 3, "FunctionKey": "k", "KeyVaultUri": "https://v.vault.azure.net/" }""", "Tiered:Backend:Azure:FunctionKey/Tiered:Backend:Azure:FunctionKeys and Tiered:Backend:Azure:KeyVaultUri are both set")]
    [InlineData("""{ "FunctionCount": 3, "KeyVaultUri": "https://v.vault.azure.net/" }""", "Tiered:Backend:Azure:KeyVaultSecretName is required with Tiered:Backend:Azure:KeyVaultUri")]
    [InlineData("""{ "FunctionNames": [ "a-1", "a-1" ], "FunctionKey": "k" }""", "Tiered:Backend:Azure:FunctionNames contains 'a-1' twice")]
    [InlineData("""{ "FunctionCount": 3, "FunctionKey": "k", "BaseUrl": "localhost:7071" }""", "Tiered:Backend:Azure:BaseUrl 'localhost:7071' is not an absolute http or https URL")]
    [InlineData("""{ "FunctionCount": 3, "FunctionKey": "k", "Timeout": "00:03:00", "HttpTimeout": "00:01:00" }""", "Tiered:Backend:Azure:HttpTimeout must exceed Tiered:Backend:Azure:Timeout")]
    public async Task A_bad_Azure_setting_fails_startup_naming_the_key(string azure, string expected)
    {
        string json = $$"""{ "Tiered": { "Backend": { "Kind": "azure-functions", "Azure": {{azure}} }, "Proxy": { "ClientPort": 0, "NodePort": 0 } } }""";
        using var host = FromJson(json, tier => tier.AddAzureFunctionsBackend());

        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(Timeout()));

        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public async Task Without_the_provider_registered_the_Azure_section_is_unknown()
    {
        using var host = FromJson("""{ "Tiered": { "Backend": { "Azure": { "FunctionCount": 3 } } } }""");

        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(Timeout()));

        Assert.Contains("Tiered:Backend:Azure is not a known setting", e.Message);
    }

    [Fact]
    public async Task A_registered_but_unselected_backend_accepts_its_section_and_is_not_validated()
    {
        string json = """
            { "Tiered": { "Backend": { "Kind": "local", "Local": { "FunctionCount": 3, "MemoryMiB": 64, "ColdStartDelay": "00:00:00" }, "Azure": { "FunctionCount": 3 } },
                          "Codec": { "Kind": "rs", "DataShards": 2, "ParityShards": 1 }, "Proxy": { "ClientPort": 0, "NodePort": 0 } } }
            """;
        using var host = FromJson(json, tier => tier.AddAzureFunctionsBackend());

        await host.StartAsync(Timeout());
        Assert.Equal("local", host.Services.GetRequiredService<TieredRuntime>().Backend.Name);
        await host.StopAsync(Timeout());
    }

    [Fact]
    public async Task Code_is_applied_after_configuration_and_a_registered_secret_source_is_used()
    {
        string json = """
            { "Tiered": { "Backend": { "Azure": { "FunctionCount": 8, "KeyVaultUri": "https://contoso-tiered.vault.azure.net/", "KeyVaultSecretName": "from-config" } },
                          "Codec": { "Kind": "rs", "DataShards": 2, "ParityShards": 1 }, "Proxy": { "ClientPort": 0, "NodePort": 0 } } }
            """;
        var secrets = new FakeSecretSource().With("from-code", "k");
        using var host = FromJson(json, tier => tier.UseAzureFunctions(o => { o.KeyVaultSecretName = "from-code"; o.MemoryMiB = 4096; }),
            services => services.AddSingleton<ISecretSource>(secrets));

        await host.StartAsync(Timeout());
        try
        {
            var backend = Assert.IsType<AzureFunctionsBackend>(host.Services.GetRequiredService<TieredRuntime>().Backend);
            Assert.Equal(8, backend.Functions.Count);
            Assert.Equal(4096L * 1024 * 1024, backend.Limits.MemoryBytes);
            Assert.Equal("the secret 'from-code' in the fake vault", backend.KeySource);
            Assert.Empty(secrets.Reads);   // nothing is read before the first invocation
        }
        finally
        {
            await host.StopAsync(Timeout());
        }
    }

    [Fact]
    public async Task A_registered_key_provider_makes_key_settings_unnecessary()
    {
        string json = """{ "Tiered": { "Backend": { "Azure": { "FunctionCount": 3 } }, "Codec": { "Kind": "rs", "DataShards": 2, "ParityShards": 1 }, "Proxy": { "ClientPort": 0, "NodePort": 0 } } }""";
        using var host = FromJson(json, tier => tier.UseAzureFunctions(), services => services.AddSingleton<IFunctionKeyProvider>(FunctionKeyProvider.Configured("from-di")));

        await host.StartAsync(Timeout());
        try
        {
            var backend = Assert.IsType<AzureFunctionsBackend>(host.Services.GetRequiredService<TieredRuntime>().Backend);
            Assert.Equal("configuration (FunctionKey)", backend.KeySource);
        }
        finally
        {
            await host.StopAsync(Timeout());
        }
    }

    [Fact]
    public async Task Key_Vault_without_a_registered_source_uses_Key_Vault_itself_lazily()
    {
        using var host = InCode(tier => tier.UseReedSolomon(2, 1)
            .UseAzureFunctions(o => { o.FunctionCount = 3; o.KeyVaultUri = "https://contoso-tiered.vault.azure.net/"; o.KeyVaultSecretName = "tiered-node-key"; })
            .ConfigureProxy(p => { p.ClientPort = 0; p.NodePort = 0; p.WarmUpInterval = TimeSpan.FromHours(1); }));

        await host.StartAsync(Timeout());
        try
        {
            var backend = Assert.IsType<AzureFunctionsBackend>(host.Services.GetRequiredService<TieredRuntime>().Backend);
            Assert.Equal("the secret 'tiered-node-key' in Azure Key Vault contoso-tiered.vault.azure.net", backend.KeySource);
        }
        finally
        {
            await host.StopAsync(Timeout());
        }
    }

    [Fact]
    public async Task The_shipped_sample_configuration_starts_a_tier_on_azure_functions()
    {
        string sample = Path.Combine(RepositoryRoot(), "docs", "config", "azure.json");
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = "Test" });
        builder.Configuration.AddJsonFile(sample, optional: false);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            // Only free loopback ports: the sample's key comes from Key Vault, which is not contacted until an invocation.
            ["Tiered:Proxy:Host"] = "127.0.0.1", ["Tiered:Proxy:ClientPort"] = "0", ["Tiered:Proxy:NodePort"] = "0",
        });
        builder.Services.AddTiered(tier => tier.AddAzureFunctionsBackend());
        using var host = builder.Build();

        await host.StartAsync(Timeout());
        try
        {
            var backend = Assert.IsType<AzureFunctionsBackend>(host.Services.GetRequiredService<TieredRuntime>().Backend);
            Assert.Equal(64, backend.Functions.Count);
            Assert.Equal("contoso-tiered-000", backend.Functions[0]);
            Assert.Equal(new Uri("https://contoso-tiered-063.azurewebsites.net/api/node"), backend.FunctionUrl("contoso-tiered-063"));
            Assert.Equal(2048L * 1024 * 1024, backend.Limits.MemoryBytes);
            Assert.StartsWith("the secret 'tiered-node-key' in Azure Key Vault ", backend.KeySource);
        }
        finally
        {
            await host.StopAsync(Timeout());
        }
    }

    [Fact]
    public void UseAzureFunctions_twice_registers_once()
    {
        var services = new ServiceCollection();
        var builder = services.AddTiered(tier => tier.UseAzureFunctions().UseAzureFunctions(o => o.FunctionCount = 2));
        Assert.Equal(["local", "azure-functions"], builder.Registry.BackendKinds);
    }

    private static IHost FromJson(string json, Action<TieredBuilder>? configure = null, Action<IServiceCollection>? more = null)
    {
        string dir = Directory.CreateTempSubdirectory("tiered-azure-hosting-").FullName;
        string path = Path.Combine(dir, "appsettings.json");
        File.WriteAllText(path, json);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, ContentRootPath = dir, EnvironmentName = "Test" });
        builder.Configuration.AddJsonFile(path, optional: false);
        builder.Services.AddTiered(configure);
        more?.Invoke(builder.Services);
        return builder.Build();
    }

    private static IHost InCode(Action<TieredBuilder> configure)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = "Test" });
        builder.Services.AddTiered(configure);
        return builder.Build();
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Tiered.sln"))) return dir.FullName;
        throw new InvalidOperationException($"No directory above {AppContext.BaseDirectory} holds Tiered.sln.");
    }

    private static CancellationToken Timeout(int seconds = 60) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;
}
