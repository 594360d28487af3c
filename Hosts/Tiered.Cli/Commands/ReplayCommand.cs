using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Tiered.Cli.Replay;
using Tiered.Workload;

namespace Tiered.Cli.Commands;

/// <summary>
/// <c>tiered replay</c>: runs a whole tier (Local platform, function nodes, proxy, client) in this process on a
/// compressed clock, replays the seeded registry workload against it, and reports hit ratio, availability, latency per
/// size class, wrong bytes, and the Lambda-priced cost against ElastiCache (text, JSON, SVG chart).
/// </summary>
internal static class ReplayCommand
{
    public static Command Create()
    {
        var defaults = new ReplaySettings();
        var duration = new Option<string>("--duration") { Description = "Simulated span of the trace, e.g. 1h, 30m, 90s.", DefaultValueFactory = _ => "1h" };
        var speed = new Option<double>("--speed") { Description = "Simulated seconds per real second (60: an hour replays in a minute).", DefaultValueFactory = _ => defaults.Speed };
        var objects = new Option<int>("--objects") { Description = "Distinct objects in the workload.", DefaultValueFactory = _ => defaults.Objects };
        var requests = new Option<int>("--requests") { Description = "Requests in the workload (keep ≈ 25 per object for the registry statistics).", DefaultValueFactory = _ => defaults.Requests };
        var seed = new Option<int>("--seed") { Description = "Workload (and fault) seed.", DefaultValueFactory = _ => defaults.Seed };
        var scale = new Option<string>("--scale") { Description = "Size scale: every object size is multiplied by it (1/256 turns 256 MiB into 1 MiB).", DefaultValueFactory = _ => ReplaySettings.FormatScale(defaults.Scale) };
        var nodes = new Option<int>("--nodes") { Description = "Node functions in the pool.", DefaultValueFactory = _ => defaults.Nodes };
        var memory = new Option<int>("--memory-mib") { Description = "Memory of each function instance in MiB (billed per GB-s).", DefaultValueFactory = _ => defaults.MemoryMiB };
        var codec = new Option<string>("--codec") { Description = "Erasure code of the objects, e.g. rs(10,2), rs(4,2), raid6(4).", DefaultValueFactory = _ => defaults.Codec };
        var faults = new Option<string>("--faults") { Description = "none; reclaim-r[:P] (before a GET, with probability P (default 0.01), reclaim up to r of its instances — never more than r of any object's between its accesses); rate:N/h (the platform reclaims N random instances per simulated hour).", DefaultValueFactory = _ => "none" };
        var concurrency = new Option<int>("--concurrency") { Description = "Requests in flight at most.", DefaultValueFactory = _ => defaults.Concurrency };
        var json = new Option<FileInfo?>("--json") { Description = "Also write the results to this JSON file." };
        var chart = new Option<FileInfo?>("--chart") { Description = "Cost-over-time chart (SVG); default replay-cost.svg beside the JSON file, or in the current directory." };
        var quiet = new Option<bool>("--quiet") { Description = "No progress display or progress lines." };

        var command = new Command("replay", "Replay the seeded registry workload against a whole tier running in this process on a compressed clock; report hit ratio, availability, latency per size class, wrong bytes and cost vs ElastiCache.")
        {
            duration, speed, objects, requests, seed, scale, nodes, memory, codec, faults, concurrency, json, chart, quiet,
        };
        command.SetAction((parse, cancellationToken) =>
        {
            ReplaySettings settings;
            try
            {
                settings = new ReplaySettings
                {
                    Duration = ReplaySettings.ParseDuration(parse.GetValue(duration)!),
                    Speed = parse.GetValue(speed),
                    Objects = parse.GetValue(objects),
                    Requests = parse.GetValue(requests),
                    Seed = parse.GetValue(seed),
                    Scale = ReplaySettings.ParseScale(parse.GetValue(scale)!),
                    Nodes = parse.GetValue(nodes),
                    MemoryMiB = parse.GetValue(memory),
                    Codec = parse.GetValue(codec)!,
                    Faults = FaultPlan.Parse(parse.GetValue(faults)!),
                    Concurrency = parse.GetValue(concurrency),
                }.Validate();
                var parsedCodec = Codecs.CodecFactory.Create(settings.Codec);
                if (parsedCodec.TotalShards > settings.Nodes)
                    throw new FormatException($"--codec {settings.Codec} needs {parsedCodec.TotalShards} distinct nodes but --nodes is {settings.Nodes}.");
                ReplayRunner.WorkloadOf(settings).Validate();
            }
            catch (Exception e) when (e is FormatException or ArgumentException)
            {
                Console.Error.WriteLine($"error: {e.Message}");
                return Task.FromResult(2);
            }
            var jsonFile = parse.GetValue(json);
            var chartFile = parse.GetValue(chart) ?? new FileInfo(Path.Combine(jsonFile?.DirectoryName ?? Directory.GetCurrentDirectory(), "replay-cost.svg"));
            return RunAsync(settings, jsonFile, chartFile, parse.GetValue(quiet), cancellationToken);
        });
        return command;
    }

    private static async Task<int> RunAsync(ReplaySettings settings, FileInfo? json, FileInfo chart, bool quiet, CancellationToken cancellationToken)
    {
        ReplayResult result;
        try
        {
            if (quiet) result = await new ReplayRunner(settings).RunAsync(cancellationToken);
            else if (!Console.IsOutputRedirected) result = await RunWithProgressBarAsync(settings, cancellationToken);
            else result = await RunWithProgressLinesAsync(settings, cancellationToken);
        }
        catch (WorkloadOptionsException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 2;
        }

        Console.Out.Write(ReplayReportText.Format(result));
        if (json is not null)
        {
            if (!ReportFile.TryWrite(json, stream => ReplayJson.Write(result, stream))) return 2;
            Console.Out.WriteLine($"JSON:  {json.FullName}");
        }
        string title = string.Create(CultureInfo.InvariantCulture,
            $"Cumulative cost over {ReplayReportText.Hours(result.Simulated)} simulated ({ReplaySettings.FormatScale(settings.Scale)} scale)");
        string svg = CostChart.Render(result.CostCurve, title);
        if (!ReportFile.TryWrite(chart, stream => { using var writer = new StreamWriter(stream); writer.Write(svg); })) return 2;
        Console.Out.WriteLine($"Chart: {chart.FullName}");
        // The bar (100 % availability) holds without faults and with reclaim-r; a fault rate may lose objects by design.
        bool failed = result.Counts.WrongBytes > 0 || (settings.Faults.Kind != FaultKind.Rate && !result.MeetsBar);
        return failed ? 1 : 0;
    }

    private static async Task<ReplayResult> RunWithProgressBarAsync(ReplaySettings settings, CancellationToken cancellationToken)
    {
        ReplayResult? result = null;
        await AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask("replay", maxValue: settings.Requests);
                result = await new ReplayRunner(settings, p =>
                {
                    task.Value = p.Done;
                    task.Description = Describe(p);
                }).RunAsync(cancellationToken);
                task.Value = task.MaxValue;
            });
        return result!;
    }

    private static async Task<ReplayResult> RunWithProgressLinesAsync(ReplaySettings settings, CancellationToken cancellationToken)
    {
        int nextDecile = 1;
        Console.Error.WriteLine($"replay: {settings.Requests:N0} requests over {ReplayReportText.Hours(settings.Duration)} at {settings.Speed:0.##}× …");
        return await new ReplayRunner(settings, p =>
        {
            if (p.Fraction * 10 < nextDecile) return;
            while (p.Fraction * 10 >= nextDecile) nextDecile++;
            Console.Error.WriteLine($"replay: {Describe(p)}");
        }).RunAsync(cancellationToken);
    }

    private static string Describe(ReplayProgress p) => string.Create(CultureInfo.InvariantCulture,
        $"{p.Done:N0}/{p.Total:N0} requests, hit ratio {p.HitRatio:P1}, simulated {ReplayReportText.Hours(p.Simulated)}");
}
