using System.CommandLine;
using System.Globalization;
using System.Net;
using Tiered.Client;
using Tiered.Codecs;
using Tiered.Hosting;

namespace Tiered.Cli.Commands;

/// <summary>
/// <c>tiered put KEY FILE|-</c>, <c>tiered get KEY [FILE|-]</c>, <c>tiered del KEY</c>, <c>tiered stats</c>: talk to a
/// running proxy (<c>--proxy HOST:PORT</c>, default 127.0.0.1:6380, the <c>tiered serve</c> default). Exit codes: 0 done,
/// 1 not found (get, del), 2 failed (cannot connect, refused).
/// </summary>
internal static class ObjectCommands
{
    /// <summary>The default proxy address: where <c>tiered serve</c> listens for clients by default.</summary>
    public static readonly string DefaultProxy = $"127.0.0.1:{TieredProxySettings.DefaultClientPort}";

    public static IEnumerable<Command> Create()
    {
        yield return Put();
        yield return Get();
        yield return Delete();
        yield return Stats();
    }

    private static Option<string> ProxyOption() =>
        new("--proxy") { Description = $"The proxy's client endpoint, HOST:PORT (default {DefaultProxy}).", DefaultValueFactory = _ => DefaultProxy };

    private static Command Put()
    {
        var key = new Argument<string>("KEY") { Description = "The object's key." };
        var file = new Argument<string>("FILE") { Description = "The file to store, or - for standard input." };
        var proxy = ProxyOption();
        var codec = new Option<string>("--codec") { Description = "How the client codes the object (the proxy stores any codec), e.g. rs(10,2), rs(4,2), raid6(4).", DefaultValueFactory = _ => "rs(10,2)" };
        var ttl = new Option<string?>("--ttl") { Description = "Time to live, e.g. 30s, 10m, 1h (default: none)." };
        var command = new Command("put", "Store a file (or standard input) in a running tier.") { key, file, proxy, codec, ttl };
        command.SetAction((parse, ct) => RunAsync(parse.GetValue(proxy)!, parse.GetValue(codec)!, async client =>
        {
            string path = parse.GetValue(file)!;
            byte[] bytes;
            if (path == "-")
            {
                using var buffer = new MemoryStream();
                await Console.OpenStandardInput().CopyToAsync(buffer, ct);
                bytes = buffer.ToArray();
            }
            else bytes = await File.ReadAllBytesAsync(path, ct);
            string k = parse.GetValue(key)!;
            var options = parse.GetValue(ttl) is { } t ? new TierPutOptions(ParseDuration(t)) : TierPutOptions.Default;
            await client.PutAsync(k, bytes, options, ct);
            await Console.Error.WriteLineAsync($"stored '{k}': {bytes.Length.ToString(CultureInfo.InvariantCulture)} bytes as {client.Codec.Name}");
            return 0;
        }, ct));
        return command;
    }

    private static Command Get()
    {
        var key = new Argument<string>("KEY") { Description = "The object's key." };
        var file = new Argument<string?>("FILE") { Description = "Where to write the object; - or nothing for standard output.", Arity = ArgumentArity.ZeroOrOne };
        var proxy = ProxyOption();
        var command = new Command("get", "Fetch an object from a running tier into a file or standard output (exit code 1 on a miss).") { key, file, proxy };
        command.SetAction((parse, ct) => RunAsync(parse.GetValue(proxy)!, null, async client =>
        {
            string k = parse.GetValue(key)!;
            using var value = await client.GetAsync(k, ct);
            if (value is null)
            {
                await Console.Error.WriteLineAsync($"not found: '{k}'");
                return 1;
            }
            string? path = parse.GetValue(file);
            if (path is null or "-")
            {
                using var stdout = Console.OpenStandardOutput();
                await stdout.WriteAsync(value.Memory, ct);
                await stdout.FlushAsync(ct);
            }
            else
            {
                await using var output = File.Create(path);
                await output.WriteAsync(value.Memory, ct);
                await Console.Error.WriteLineAsync($"wrote '{k}': {value.Length.ToString(CultureInfo.InvariantCulture)} bytes to {path}");
            }
            return 0;
        }, ct));
        return command;
    }

    private static Command Delete()
    {
        var key = new Argument<string>("KEY") { Description = "The object's key." };
        var proxy = ProxyOption();
        var command = new Command("del", "Delete an object from a running tier (exit code 1 when it was not there).") { key, proxy };
        command.SetAction((parse, ct) => RunAsync(parse.GetValue(proxy)!, null, async client =>
        {
            string k = parse.GetValue(key)!;
            bool existed = await client.DeleteAsync(k, ct);
            await Console.Out.WriteLineAsync(existed ? $"deleted '{k}'" : $"not found: '{k}'");
            return existed ? 0 : 1;
        }, ct));
        return command;
    }

    private static Command Stats()
    {
        var proxy = ProxyOption();
        var command = new Command("stats", "Print a running proxy's counters (objects, bytes, hits, misses, invocations, …), one 'name value' per line.") { proxy };
        command.SetAction((parse, ct) => RunAsync(parse.GetValue(proxy)!, null, async client =>
        {
            foreach (var (endPoint, counters) in await client.GetStatsAsync(ct))
            {
                await Console.Out.WriteLineAsync($"# proxy {endPoint}");
                foreach (var (name, value) in counters.OrderBy(c => c.Key, StringComparer.Ordinal))
                    await Console.Out.WriteLineAsync($"{name} {value.ToString(CultureInfo.InvariantCulture)}");
            }
            return 0;
        }, ct));
        return command;
    }

    private static async Task<int> RunAsync(string proxyText, string? codecName, Func<TierClient, Task<int>> action, CancellationToken cancellationToken)
    {
        TierClient client;
        try
        {
            var codec = CodecFactory.Create(codecName ?? "rs(10,2)");
            client = new TierClient(new TierClientOptions { Proxies = [ParseEndPoint(proxyText)], ConnectionsPerProxy = 4, CodecResolver = name => CodecFactory.Create(name) }, codec);
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            await Console.Error.WriteLineAsync($"tiered: {e.Message}");
            return 2;
        }
        try
        {
            return await action(client);
        }
        catch (Exception e) when (e is TierException or IOException or UnauthorizedAccessException && !cancellationToken.IsCancellationRequested)
        {
            await Console.Error.WriteLineAsync($"tiered: {e.Message}");
            return 2;
        }
        finally
        {
            try { await client.DisposeAsync(); }
            catch (ObjectDisposedException) { } // TierClient may dispose a broken connection twice (reported Core bug)
        }
    }

    /// <summary>Parses HOST:PORT where HOST is an IP address or localhost.</summary>
    public static IPEndPoint ParseEndPoint(string text)
    {
        int colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port is < 1 or > 65535)
            throw new FormatException($"--proxy '{text}' is not HOST:PORT (e.g. 127.0.0.1:6380).");
        string host = text[..colon].Trim('[', ']');
        var address = host.Equals("localhost", StringComparison.OrdinalIgnoreCase) ? IPAddress.Loopback
            : IPAddress.TryParse(host, out var parsed) ? parsed
            : throw new FormatException($"--proxy '{text}': '{host}' is not an IP address or localhost.");
        return new IPEndPoint(address, port);
    }

    private static TimeSpan ParseDuration(string text)
    {
        text = text.Trim();
        double Number(int suffix) => double.Parse(text[..^suffix], NumberStyles.Float, CultureInfo.InvariantCulture);
        try
        {
            return text.EndsWith("ms", StringComparison.Ordinal) ? TimeSpan.FromMilliseconds(Number(2))
                : text.EndsWith('s') ? TimeSpan.FromSeconds(Number(1))
                : text.EndsWith('m') ? TimeSpan.FromMinutes(Number(1))
                : text.EndsWith('h') ? TimeSpan.FromHours(Number(1))
                : TimeSpan.Parse(text, CultureInfo.InvariantCulture);
        }
        catch (FormatException)
        {
            throw new FormatException($"--ttl '{text}' is not a duration such as 30s, 10m or 1h.");
        }
    }
}
