using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tiered.LambdaEmulator;

namespace Tiered.Cli.Commands;

/// <summary>
/// <c>tiered lambda-emulator</c>: a loopback AWS Lambda (the Invoke API on 127.0.0.1) whose functions run the Tiered node
/// bootstrap as real child processes, one per execution environment, until Ctrl+C. Point the AWS CLI or Tiered's AWS
/// Lambda backend at it; see docs/lambda-emulator.md.
/// </summary>
internal static class LambdaEmulatorCommand
{
    public static Command Create()
    {
        var port = new Option<int>("--port") { Description = "Port of the Invoke API on 127.0.0.1 (0 picks a free one).", DefaultValueFactory = _ => 9001 };
        var bootstrap = new Option<string?>("--bootstrap") { Description = "The function's bootstrap: an executable, or a .dll run with dotnet (default: the built Hosts/Tiered.Functions.Lambda bootstrap.dll next to tiered or in this repository)." };
        var prefix = new Option<string>("--function-prefix") { Description = "Prefix of the generated function names.", DefaultValueFactory = _ => "tiered-node-" };
        var count = new Option<int>("--function-count") { Description = "Functions to generate: PREFIX000 … (0 with --auto-create or --function for none).", DefaultValueFactory = _ => 32 };
        var names = new Option<string[]>("--function") { Description = "An extra function name (repeatable).", AllowMultipleArgumentsPerToken = true };
        var autoCreate = new Option<bool>("--auto-create") { Description = "Any valid function name invoked exists (created on first use)." };
        var memory = new Option<int>("--memory-mib") { Description = "Memory of each function in MB (128–10240; AWS_LAMBDA_FUNCTION_MEMORY_SIZE).", DefaultValueFactory = _ => 1536 };
        var timeout = new Option<string>("--timeout") { Description = "Longest invocation, e.g. 900s, 15m (1 s to 15 min); the process is killed at the deadline.", DefaultValueFactory = _ => "15m" };
        var concurrency = new Option<int>("--concurrency") { Description = "Reserved concurrency of each function: instances starting or busy at once (beyond it: 429).", DefaultValueFactory = _ => 10 };
        var reclaimRate = new Option<double>("--reclaim-rate") { Description = "Fault injection: instances reclaimed (killed) per minute across the emulator (0 = off).", DefaultValueFactory = _ => 0 };
        var idleLifetime = new Option<string?>("--idle-lifetime") { Description = "Reclaim an instance idle this long, e.g. 10m (default: keep idle instances)." };
        var region = new Option<string>("--region") { Description = "Region of the ARNs and AWS_REGION.", DefaultValueFactory = _ => "us-east-1" };
        var requireSignature = new Option<bool>("--require-signature") { Description = "Refuse (403) Invoke calls without a SigV4 Authorization header (not verified)." };
        var verbose = new Option<bool>("--verbose", "-v") { Description = "Also log every line the functions write and a REPORT line per invocation." };

        var command = new Command("lambda-emulator", "Run a loopback AWS Lambda: the Invoke API on 127.0.0.1, functions running the Tiered node bootstrap as child processes (one per instance). Ctrl+C stops it.")
        {
            port, bootstrap, prefix, count, names, autoCreate, memory, timeout, concurrency, reclaimRate, idleLifetime, region, requireSignature, verbose,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            LambdaEmulatorOptions options;
            try
            {
                string path = parse.GetValue(bootstrap) ?? FindBootstrap()
                    ?? throw new FormatException("--bootstrap: no built bootstrap found next to tiered or in this repository; build it (dotnet build Hosts/Tiered.Functions.Lambda -c Release) or name one.");
                options = new LambdaEmulatorOptions
                {
                    Port = parse.GetValue(port),
                    BootstrapPath = Path.GetFullPath(path),
                    FunctionNamePrefix = parse.GetValue(prefix)!,
                    FunctionCount = parse.GetValue(count),
                    FunctionNames = (parse.GetValue(names) ?? []).SelectMany(n => n.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList(),
                    AutoCreateFunctions = parse.GetValue(autoCreate),
                    MemoryMiB = parse.GetValue(memory),
                    Timeout = ParseDuration("--timeout", parse.GetValue(timeout)!),
                    ReservedConcurrency = parse.GetValue(concurrency),
                    ReclaimRatePerMinute = parse.GetValue(reclaimRate),
                    IdleLifetime = parse.GetValue(idleLifetime) is { } idle ? ParseDuration("--idle-lifetime", idle) : null,
                    Region = parse.GetValue(region)!,
                    RequireSignature = parse.GetValue(requireSignature),
                };
            }
            catch (FormatException e)
            {
                await Console.Error.WriteLineAsync($"tiered lambda-emulator: {e.Message}");
                return 2;
            }
            return await RunAsync(options, parse.GetValue(verbose), cancellationToken);
        });
        return command;
    }

    private static async Task<int> RunAsync(LambdaEmulatorOptions options, bool verbose, CancellationToken cancellationToken)
    {
        using var loggers = LoggerFactory.Create(b => b
            .AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss.fff "; })
            .SetMinimumLevel(verbose ? LogLevel.Debug : LogLevel.Information)
            .AddFilter("Microsoft", LogLevel.Warning));
        LambdaEmulator.LambdaEmulator emulator;
        try
        {
            emulator = new LambdaEmulator.LambdaEmulator(options, loggers.CreateLogger<LambdaEmulator.LambdaEmulator>());
        }
        catch (OptionsValidationException e)
        {
            await Console.Error.WriteLineAsync("tiered lambda-emulator: the options are not valid:");
            foreach (string failure in e.Failures) await Console.Error.WriteLineAsync("  " + failure);
            return 2;
        }
        await using (emulator)
        {
            try
            {
                await emulator.StartAsync(cancellationToken);
            }
            catch (IOException e)
            {
                await Console.Error.WriteLineAsync($"tiered lambda-emulator: cannot listen on 127.0.0.1:{options.Port}: {e.Message}");
                return 1;
            }
            await Console.Out.WriteLineAsync(Describe(emulator, options));
            await Console.Out.FlushAsync(CancellationToken.None);
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            catch (OperationCanceledException)
            {
            }
            var usage = emulator.GetUsage();
            await Console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"tiered lambda-emulator: stopping; {usage.Invocations} invocations ({usage.ColdStarts} cold, {usage.Failed} failed, {usage.Throttled} throttled), billed {usage.BilledDuration.TotalSeconds:F3} s = {usage.BilledGbSeconds:F3} GB-s."));
        }
        return 0;
    }

    private static string Describe(LambdaEmulator.LambdaEmulator emulator, LambdaEmulatorOptions options)
    {
        string url = emulator.Endpoint.ToString().TrimEnd('/');
        var functions = emulator.Functions;
        string names = functions.Count switch
        {
            0 => "none configured",
            1 => functions[0],
            2 => $"{functions[0]}, {functions[1]}",
            _ => $"{functions[0]} … {functions[^1]} ({functions.Count})",
        };
        if (options.AutoCreateFunctions) names += ", and any name invoked";
        string example = functions.Count > 0 ? functions[0] : "my-function";
        return string.Create(CultureInfo.InvariantCulture, $"""
            tiered lambda-emulator: ready
              endpoint    {url}   (Lambda Invoke API: POST /2015-03-31/functions/NAME/invocations)
              functions   {names} × {options.MemoryMiB} MB, timeout {options.Timeout.TotalSeconds:0.###} s, concurrency {options.ReservedConcurrency}
              bootstrap   {options.BootstrapPath}
              faults      reclaim {options.ReclaimRatePerMinute:0.###}/min, idle lifetime {(options.IdleLifetime is { } idle ? idle.ToString() : "none")}
              admin       GET {url}/emulator/instances   POST {url}/emulator/reclaim?instance=ID|function=NAME|random=N   GET {url}/emulator/usage
              aws cli     aws lambda invoke --endpoint-url {url} --function-name {example} --cli-binary-format raw-in-base64-out --payload '{"{"}{"}"}' --log-type Tail out.json
              tiered      Tiered:Backend:AwsLambda:ServiceUrl={url}   (environment: Tiered__Backend__AwsLambda__ServiceUrl={url})
            Press Ctrl+C to stop.
            """);
    }

    /// <summary>The built bootstrap: next to tiered, else Hosts/Tiered.Functions.Lambda/bin/{Release,Debug}/net10.0 above tiered or the current directory.</summary>
    internal static string? FindBootstrap()
    {
        string beside = Path.Combine(AppContext.BaseDirectory, "bootstrap.dll");
        if (File.Exists(beside)) return beside;
        foreach (string start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                foreach (string configuration in new[] { "Release", "Debug" })
                {
                    string candidate = Path.Combine(dir.FullName, "Hosts", "Tiered.Functions.Lambda", "bin", configuration, "net10.0", "bootstrap.dll");
                    if (File.Exists(candidate)) return candidate;
                }
            }
        }
        return null;
    }

    /// <summary>A duration: a number of seconds, or a number with ms, s, m or h.</summary>
    private static TimeSpan ParseDuration(string option, string text)
    {
        string t = text.Trim();
        (string number, double unitSeconds) = t switch
        {
            _ when t.EndsWith("ms", StringComparison.OrdinalIgnoreCase) => (t[..^2], 0.001),
            _ when t.EndsWith('s') => (t[..^1], 1),
            _ when t.EndsWith('m') => (t[..^1], 60),
            _ when t.EndsWith('h') => (t[..^1], 3600),
            _ => (t, 1),
        };
        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !double.IsFinite(value) || value <= 0 || value * unitSeconds > TimeSpan.MaxValue.TotalSeconds / 2)
            throw new FormatException($"{option} {text}: expected a positive duration such as 900, 900s, 15m or 1h.");
        return TimeSpan.FromSeconds(value * unitSeconds);
    }
}
