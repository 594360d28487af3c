using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Tiered.Hosting.Resp;
using Microsoft.Extensions.Options;
using Tiered.Hosting;

namespace Tiered.Cli.Commands;

/// <summary>
/// <c>tiered serve [--config FILE] [--port P] [--node-port P] [--resp-port P]</c>: runs the tier host (proxy as a hosted
/// service, the backend of the <c>Tiered</c> configuration section — with no configuration, the embedded Local platform)
/// until Ctrl+C or SIGTERM, then stops gracefully. Configuration comes from FILE (JSON), then <c>Tiered__…</c> environment
/// variables, then these options; see docs/configuration.md.
/// </summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var config = new Option<FileInfo?>("--config") { Description = "JSON configuration file with a \"Tiered\" section (docs/configuration.md, samples in docs/config/)." };
        var port = new Option<int?>("--port") { Description = $"Client port (Tiered:Proxy:ClientPort; default {TieredProxySettings.DefaultClientPort}; 0 picks a free one)." };
        var nodePort = new Option<int?>("--node-port") { Description = $"Port nodes dial back to (Tiered:Proxy:NodePort; default {TieredProxySettings.DefaultNodePort}; 0 picks a free one)." };
        var respPort = new Option<int?>("--resp-port") { Description = "Turn the Redis-protocol endpoint on at this loopback port (Tiered:Resp:Enabled and Tiered:Resp:Port)." };
        var command = new Command("serve", "Run the tier: the proxy as a hosted service over the configured backend (default: the embedded Local platform). Ctrl+C stops it gracefully.")
        {
            config, port, nodePort, respPort,
        };
        command.SetAction((parse, cancellationToken) => RunAsync(parse.GetValue(config), parse.GetValue(port), parse.GetValue(nodePort), parse.GetValue(respPort), cancellationToken));
        return command;
    }

    /// <summary>Builds the host <c>tiered serve</c> runs: the generic host's defaults (console logging, environment variables), FILE, the overrides, and the tier.</summary>
    public static IHost BuildHost(FileInfo? configFile, IReadOnlyDictionary<string, string?> overrides)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], ContentRootPath = AppContext.BaseDirectory });
        if (configFile is not null)
        {
            if (!configFile.Exists) throw new FileNotFoundException($"--config: {configFile.FullName} does not exist.", configFile.FullName);
            builder.Configuration.AddJsonFile(configFile.FullName, optional: false, reloadOnChange: false);
        }
        builder.Configuration.AddInMemoryCollection(overrides);
        builder.Services.AddTiered().AddAwsLambdaBackend().AddAzureFunctionsBackend().AddGcpCloudRunBackend().AddResp();
        return builder.Build();
    }

    private static async Task<int> RunAsync(FileInfo? configFile, int? port, int? nodePort, int? respPort, CancellationToken cancellationToken)
    {
        var overrides = new Dictionary<string, string?>();
        if (port is int p) overrides["Tiered:Proxy:ClientPort"] = p.ToString(CultureInfo.InvariantCulture);
        if (nodePort is int n) overrides["Tiered:Proxy:NodePort"] = n.ToString(CultureInfo.InvariantCulture);
        if (respPort is int r)
        {
            overrides["Tiered:Resp:Enabled"] = "true";
            overrides["Tiered:Resp:Port"] = r.ToString(CultureInfo.InvariantCulture);
        }

        IHost host;
        try
        {
            host = BuildHost(configFile, overrides);
        }
        catch (Exception e) when (e is FileNotFoundException or FormatException or InvalidDataException)
        {
            await Console.Error.WriteLineAsync($"tiered serve: {e.Message}");
            return 1;
        }
        using (host)
        {
            try
            {
                await host.StartAsync(cancellationToken);
            }
            catch (OptionsValidationException e)
            {
                await Console.Error.WriteLineAsync("tiered serve: the configuration is not valid:");
                foreach (string failure in e.Failures) await Console.Error.WriteLineAsync("  " + failure);
                return 1;
            }
            catch (Exception e) when (e is InvalidOperationException or System.Net.Sockets.SocketException)
            {
                await Console.Error.WriteLineAsync($"tiered serve: {e.Message}");
                return 1;
            }
            await Console.Out.WriteLineAsync(Describe(host));
            await Console.Out.FlushAsync(CancellationToken.None);
            await host.WaitForShutdownAsync(cancellationToken);
            await Console.Out.WriteLineAsync("tiered serve: stopped.");
            return 0;
        }
    }

    private static string Describe(IHost host)
    {
        var runtime = host.Services.GetRequiredService<TieredRuntime>();
        var options = runtime.Options;
        var proxy = runtime.Proxy;
        string resp = options.Resp.Enabled
            ? $"on, port {options.Resp.Port}{(host.Services.GetServices<IHostedService>().Count() > 1 ? "" : " (no RESP server is registered in this build)")}"
            : "off (--resp-port PORT turns it on)";
        return string.Create(CultureInfo.InvariantCulture, $"""
            tiered serve: ready
              clients    {proxy.ClientEndPoint}   (tiered put|get|del|stats --proxy {proxy.ClientEndPoint})
              nodes      {proxy.NodeEndPoint}
              codec      {runtime.Codec.Name}
              placement  {runtime.Placement.Name}
              backend    {runtime.Backend.Name}: {runtime.Backend.Functions.Count} functions × {runtime.Backend.Limits.MemoryBytes >> 20} MiB, pool {proxy.PoolCapacityBytes / (1024.0 * 1024 * 1024):F2} GiB
              resp       {resp}
            Press Ctrl+C to stop.
            """);
    }
}
