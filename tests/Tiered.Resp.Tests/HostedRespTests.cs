using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Tiered.Hosting;
using Tiered.Hosting.Resp;

namespace Tiered.Resp.Tests;

/// <summary>The endpoint in the generic host: AddTiered(…).AddResp() with Tiered:Resp:Enabled.</summary>
public sealed class HostedRespTests
{
    private static IHost NewHost(bool enabled, string? password = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = "Test" });
        builder.Services.AddTiered(tier => tier
            .UseReedSolomon(4, 2)
            .UseLocalFunctions(o => { o.FunctionCount = 8; o.MemoryMiB = 128; o.ColdStartDelay = TimeSpan.Zero; o.Seed = 1; })
            .ConfigureProxy(p => { p.ClientPort = 0; p.NodePort = 0; p.NodeIdleTimeout = TimeSpan.FromSeconds(30); p.WarmUpInterval = TimeSpan.FromHours(1); })
            .ConfigureResp(r => { r.Enabled = enabled; r.Port = 0; r.RequirePass = password; })
            .AddResp());
        return builder.Build();
    }

    [Fact]
    public async Task The_hosted_endpoint_serves_redis_cli_and_stops_with_the_host()
    {
        using var host = NewHost(enabled: true, password: "pw");
        await host.StartAsync();
        var server = host.Services.GetRequiredService<RespHostedService>().Server;
        Assert.NotNull(server);
        string port = server.EndPoint.Port.ToString(CultureInfo.InvariantCulture);

        var set = await ExternalTool.RunAsync("redis-cli", ["-p", port, "--no-auth-warning", "-a", "pw", "SET", "hosted", "value"]);
        Assert.Equal("OK\n", set.StdoutText);
        var get = await ExternalTool.RunAsync("redis-cli", ["-p", port, "--no-auth-warning", "-a", "pw", "GET", "hosted"]);
        Assert.Equal("value\n", get.StdoutText);
        using (var read = await host.Services.GetRequiredService<Tiered.Client.ITier>().GetAsync("hosted"))
            Assert.Equal("value"u8.ToArray(), read!.ToArray());

        await host.StopAsync();
        Assert.Null(host.Services.GetRequiredService<RespHostedService>().Server);
    }

    [Fact]
    public async Task Disabled_by_default()
    {
        using var host = NewHost(enabled: false);
        await host.StartAsync();
        Assert.Null(host.Services.GetRequiredService<RespHostedService>().Server);
        Assert.Single(host.Services.GetServices<IHostedService>().OfType<RespHostedService>());
        await host.StopAsync();
    }
}
