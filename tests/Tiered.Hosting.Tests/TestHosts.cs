using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Tiered.Hosting;

namespace Tiered.Hosting.Tests;

/// <summary>Real generic hosts running a real tier (proxy on free loopback ports, Local platform, FunctionNodes over TCP).</summary>
internal static class TestHosts
{
    /// <summary>A small tier on free ports: what every test's appsettings.json starts from.</summary>
    public const string SmallTierJson = """
        {
          "Tiered": {
            "Codec": { "Kind": "rs", "DataShards": 4, "ParityShards": 2 },
            "Placement": { "Kind": "vnodes", "VirtualNodes": 160 },
            "Backend": { "Kind": "local", "Local": { "FunctionCount": 8, "MemoryMiB": 64, "ColdStartDelay": "00:00:00", "Seed": 1 } },
            "Proxy": { "Host": "127.0.0.1", "ClientPort": 0, "NodePort": 0, "NodeIdleTimeout": "00:00:30", "WarmUpInterval": "01:00:00" }
          }
        }
        """;

    /// <summary>A host whose configuration is <paramref name="json"/> written to an appsettings.json file.</summary>
    public static IHost FromJson(string json, Action<TieredBuilder>? configure = null, Action<HostApplicationBuilder>? more = null)
    {
        string dir = Directory.CreateTempSubdirectory("tiered-hosting-").FullName;
        string path = Path.Combine(dir, "appsettings.json");
        File.WriteAllText(path, json);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, ContentRootPath = dir, EnvironmentName = "Test" });
        builder.Configuration.AddJsonFile(path, optional: false);
        builder.Services.AddTiered(configure);
        more?.Invoke(builder);
        return builder.Build();
    }

    /// <summary>A host with no configuration at all: everything composed in code.</summary>
    public static IHost InCode(Action<TieredBuilder> configure, Action<HostApplicationBuilder>? more = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = "Test" });
        builder.Services.AddTiered(configure);
        more?.Invoke(builder);
        return builder.Build();
    }

    /// <summary>The code equivalent of <see cref="SmallTierJson"/>.</summary>
    public static void SmallTier(TieredBuilder tier) => tier
        .UseReedSolomon(4, 2)
        .UseVirtualNodes(160)
        .UseLocalFunctions(o => { o.FunctionCount = 8; o.MemoryMiB = 64; o.ColdStartDelay = TimeSpan.Zero; o.Seed = 1; })
        .ConfigureProxy(p => { p.ClientPort = 0; p.NodePort = 0; p.NodeIdleTimeout = TimeSpan.FromSeconds(30); p.WarmUpInterval = TimeSpan.FromHours(1); });

    public static byte[] RandomBytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>A real-time bound for waits (never a fake clock).</summary>
    public static CancellationToken Timeout(int seconds = 60) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;

    public static TieredRuntime Runtime(this IHost host) => host.Services.GetRequiredService<TieredRuntime>();
}
