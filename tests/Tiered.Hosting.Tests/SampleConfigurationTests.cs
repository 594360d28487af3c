using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Tiered.Client;
using Xunit;

namespace Tiered.Hosting.Tests;

/// <summary>The samples in docs/config: local.json runs; the planned cloud samples are refused naming the backend key.</summary>
public sealed class SampleConfigurationTests
{
    [Fact]
    public async Task Local_sample_starts_and_serves()
    {
        using var host = Sample("local.json");
        await host.StartAsync(TestHosts.Timeout());
        try
        {
            Assert.Equal("rs(10,2)", host.Runtime().Codec.Name);
            Assert.Equal(16, host.Runtime().Backend.Functions.Count);
            var tier = host.Services.GetRequiredService<ITier>();
            var value = TestHosts.RandomBytes(123_456, 8);
            await tier.PutAsync("sample", value, TestHosts.Timeout());
            using var got = await tier.GetAsync("sample", TestHosts.Timeout());
            Assert.Equal(value, got!.ToArray());
        }
        finally
        {
            await host.StopAsync(TestHosts.Timeout());
        }
    }

    private static IHost Sample(string file)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Tiered.sln"))) dir = dir.Parent;
        string path = Path.Combine(dir!.FullName, "docs", "config", file);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = "Test" });
        builder.Configuration.AddJsonFile(path, optional: false);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Tiered:Proxy:ClientPort"] = "0", ["Tiered:Proxy:NodePort"] = "0", ["Tiered:Proxy:Host"] = "127.0.0.1",
            ["Tiered:Backend:Local:ColdStartDelay"] = "00:00:00",
        });
        builder.Services.AddTiered();
        return builder.Build();
    }
}
