using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Tiered.Cli.Replay;
using Tiered.Workload;

namespace Tiered.Cli.Commands;

/// <summary>
/// <c>tiered replay</c>: runs a whole tier (Local platform, function nodes, proxy, client) in this process on a
/// compressed clock, replays the seeded registry workload against it — by default twice, with the proxy's backups and
/// without, under the AWS reclaim model — and reports hourly availability, lost objects, latency per size class, wrong
/// bytes, and the Lambda-priced cost (serving, warm-up and backup apart) against ElastiCache (text, JSON, SVG chart).
/// </summary>
internal static class ReplayCommand
{
    public static Command Create()
    {
        var defaults = new ReplaySettings();
        var duration = new Option<string>("--duration") { Description = "Simulated span of the trace, e.g. 4h, 30m, 90s.", DefaultValueFactory = _ => "4h" };
        var speed = new Option<double>("--speed") { Description = "Simulated seconds per real second (160: four hours replay in 90 s).", DefaultValueFactory = _ => defaults.Speed };
        var objects = new Option<int>("--objects") { Description = "Distinct objects in the workload.", DefaultValueFactory = _ => defaults.Objects };
        var requests = new Option<int>("--requests") { Description = "Requests in the workload (keep ≈ 25 per object for the registry statistics).", DefaultValueFactory = _ => defaults.Requests };
        var seed = new Option<int>("--seed") { Description = "Workload (and fault) seed.", DefaultValueFactory = _ => defaults.Seed };
        var scale = new Option<string>("--scale") { Description = "Size scale: every object size is multiplied by it (1/256 turns 256 MiB into 1 MiB).", DefaultValueFactory = _ => ReplaySettings.FormatScale(defaults.Scale) };
        var nodes = new Option<int>("--nodes") { Description = "Node functions in the pool.", DefaultValueFactory = _ => defaults.Nodes };
        var memory = new Option<int>("--memory-mib") { Description = "Memory of each function instance in MiB (billed per GB-s).", DefaultValueFactory = _ => defaults.MemoryMiB };
        var codec = new Option<string>("--codec") { Description = "Erasure code of the objects, e.g. rs(10,2), rs(4,2), raid6(4).", DefaultValueFactory = _ => defaults.Codec };
        var faults = new Option<string>("--faults") { Description = "none; reclaim-r[:P] (before a GET, with probability P (default 0.01), reclaim up to r of its instances — never more than r of any object's between its accesses); rate:N/h (the platform reclaims N random instances per simulated hour).", DefaultValueFactory = _ => "none" };
        var reclaimModel = new Option<string>("--reclaim-model") { Description = "How the platform reclaims instances on its own: aws (idle 10 min after the last invocation; recycled after a lifetime uniform on 0–4 h), aws-june-2019 (idle 25–60 min), none, or a spec like idle:10m,lifetime:0-4h.", DefaultValueFactory = _ => defaults.ReclaimModel };
        var backup = new Option<string>("--backup") { Description = "Proxy backups to a peer instance: on, off, or both (the same workload twice, side by side).", DefaultValueFactory = _ => ReplaySettings.FormatBackup(defaults.Backup) };
        var platforms = new Option<string[]>("--platforms") { Description = $"Price the same run for these platforms too (built in: {string.Join(", ", Cost.FunctionPricing.BuiltIn.Keys)}; default: {string.Join(",", PlatformCost.DefaultNames)}), e.g. --platforms aws,gcp.", AllowMultipleArgumentsPerToken = true };
        var prices = new Option<FileInfo?>("--prices") { Description = "A JSON price file (docs/platforms.md) whose entries --platforms can name and which replace the built-in list prices of the same name." };
        var chaos = new Option<string>("--chaos") { Description = "A chaos plan (Tiered.Chaos), e.g. reclaim:30/h,drop-dialback:0.02,corrupt:5/h; none for none.", DefaultValueFactory = _ => defaults.Chaos };
        var concurrency = new Option<int>("--concurrency") { Description = "Requests in flight at most.", DefaultValueFactory = _ => defaults.Concurrency };
        var json = new Option<FileInfo?>("--json") { Description = "Also write the results to this JSON file." };
        var chart = new Option<FileInfo?>("--chart") { Description = "Cost-over-time chart (SVG); default replay-cost.svg beside the JSON file, or in the current directory." };
        var quiet = new Option<bool>("--quiet") { Description = "No progress display or progress lines." };

        var command = new Command("replay", "Replay the seeded registry workload against a whole tier running in this process on a compressed clock, with and without backups, under a reclaim model of AWS Lambda; report hourly availability, lost objects, latency per size class, wrong bytes and cost (serving, warm-up, backup) vs ElastiCache.")
        {
            duration, speed, objects, requests, seed, scale, nodes, memory, codec, faults, reclaimModel, backup, chaos, platforms, prices, concurrency, json, chart, quiet,
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
                    ReclaimModel = parse.GetValue(reclaimModel)!,
                    Backup = ReplaySettings.ParseBackup(parse.GetValue(backup)!),
                    Chaos = ParseChaos(parse.GetValue(chaos)!),
                    Concurrency = parse.GetValue(concurrency),
                    Platforms = PlatformCost.Resolve(
                        (parse.GetValue(platforms) ?? []).SelectMany(p => p.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToArray(),
                        parse.GetValue(prices)?.FullName),
                }.Validate();
                var parsedCodec = Codecs.CodecFactory.Create(settings.Codec);
                if (parsedCodec.TotalShards > settings.Nodes)
                    throw new FormatException($"--codec {settings.Codec} needs {parsedCodec.TotalShards} distinct nodes but --nodes is {settings.Nodes}.");
                ReplayRunner.WorkloadOf(settings).Validate();
            }
            catch (Exception e) when (e is FormatException or ArgumentException or InvalidDataException or IOException)
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

    /// <summary>The canonical spec of a chaos plan (so the report shows what was understood); a bad one is a format error naming --chaos.</summary>
    private static string ParseChaos(string spec)
    {
        try
        {
            return Chaos.ChaosPlan.Parse(spec).ToString();
        }
        catch (Chaos.ChaosPlanException e)
        {
            throw new FormatException($"--chaos {spec}: {e.Message}", e);
        }
    }

    private static async Task<int> RunAsync(ReplaySettings settings, FileInfo? json, FileInfo chart, bool quiet, CancellationToken cancellationToken)
    {
        ReplayReport report;
        try
        {
            var real = System.Diagnostics.Stopwatch.StartNew();
            var runs = new List<ReplayResult>();
            foreach (bool backup in settings.BackupRuns)
            {
                ReplayResult result;
                if (quiet) result = await new ReplayRunner(settings, backup).RunAsync(cancellationToken);
                else if (!Console.IsOutputRedirected) result = await RunWithProgressBarAsync(settings, backup, cancellationToken);
                else result = await RunWithProgressLinesAsync(settings, backup, cancellationToken);
                runs.Add(result);
            }
            report = new ReplayReport(settings, runs, real.Elapsed);
        }
        catch (WorkloadOptionsException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 2;
        }

        Console.Out.Write(ReplayReportText.Format(report));
        if (json is not null)
        {
            if (!ReportFile.TryWrite(json, stream => ReplayJson.Write(report, stream))) return 2;
            Console.Out.WriteLine($"JSON:  {json.FullName}");
        }
        string title = string.Create(CultureInfo.InvariantCulture,
            $"Cumulative cost over {ReplayReportText.Hours(report.Runs[0].Simulated)} simulated ({ReplaySettings.FormatScale(settings.Scale)} scale)");
        string svg = CostChart.Render(report.Runs[0].CostCurve, title, report.Runs.Count > 1 ? report.Runs[1].CostCurve : null);
        if (!ReportFile.TryWrite(chart, stream => { using var writer = new StreamWriter(stream); writer.Write(svg); })) return 2;
        Console.Out.WriteLine($"Chart: {chart.FullName}");
        return report.MeetsBar ? 0 : 1;
    }

    private static string ModeOf(bool backup) => backup ? "with backup" : "without backup";

    private static async Task<ReplayResult> RunWithProgressBarAsync(ReplaySettings settings, bool backup, CancellationToken cancellationToken)
    {
        ReplayResult? result = null;
        await AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask(ModeOf(backup), maxValue: settings.Requests);
                result = await new ReplayRunner(settings, backup, p =>
                {
                    task.Value = p.Done;
                    task.Description = $"{ModeOf(backup)}: {Describe(p)}";
                }).RunAsync(cancellationToken);
                task.Value = task.MaxValue;
            });
        return result!;
    }

    private static async Task<ReplayResult> RunWithProgressLinesAsync(ReplaySettings settings, bool backup, CancellationToken cancellationToken)
    {
        int nextDecile = 1;
        Console.Error.WriteLine($"replay ({ModeOf(backup)}): {settings.Requests:N0} requests over {ReplayReportText.Hours(settings.Duration)} at {settings.Speed:0.##}×, reclaim model {settings.ReclaimModel} …");
        return await new ReplayRunner(settings, backup, p =>
        {
            if (p.Fraction * 10 < nextDecile) return;
            while (p.Fraction * 10 >= nextDecile) nextDecile++;
            Console.Error.WriteLine($"replay ({ModeOf(backup)}): {Describe(p)}");
        }).RunAsync(cancellationToken);
    }

    private static string Describe(ReplayProgress p) => string.Create(CultureInfo.InvariantCulture,
        $"{p.Done:N0}/{p.Total:N0} requests, hit ratio {p.HitRatio:P1}, simulated {ReplayReportText.Hours(p.Simulated)}");
}
