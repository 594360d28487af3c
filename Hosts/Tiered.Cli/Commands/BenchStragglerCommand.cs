using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Tiered.Cli.Benchmarks.Straggler;
using Tiered.Codecs;

namespace Tiered.Cli.Commands;

/// <summary><c>tiered bench straggler</c>: GET latency with one node many times slower than the rest (first-d at work).</summary>
internal static class BenchStragglerCommand
{
    public static Command Create()
    {
        var codec = new Option<string>("--codec") { Description = "The erasure code (k+r = --nodes puts a chunk of every object on the straggler).", DefaultValueFactory = _ => "rs(10,2)" };
        var nodes = new Option<int>("--nodes") { Description = "Node functions.", DefaultValueFactory = _ => 12 };
        var sizeMiB = new Option<double>("--size-mib") { Description = "Object size in MiB.", DefaultValueFactory = _ => 10 };
        var objects = new Option<int>("--objects") { Description = "Distinct objects, read in turn.", DefaultValueFactory = _ => 8 };
        var gets = new Option<int>("--gets") { Description = "GETs per phase per round.", DefaultValueFactory = _ => 40 };
        var rounds = new Option<int>("--rounds") { Description = "Rounds of (no straggler, straggler).", DefaultValueFactory = _ => 5 };
        var slowdown = new Option<double>("--slowdown") { Description = "How many times slower the straggler is.", DefaultValueFactory = _ => 10 };
        var bandwidth = new Option<double>("--node-mib-per-s") { Description = "Every node's bandwidth in MiB/s (a Lambda instance gets roughly 50–100).", DefaultValueFactory = _ => 100 };
        var json = new Option<FileInfo?>("--json") { Description = "Also write the results to this JSON file." };
        var command = new Command("straggler", "GET p50 with one of the k+r nodes N× slower (default 10×) vs none, alternating in one run; the bar is ≤ 1.2×.")
        {
            codec, nodes, sizeMiB, objects, gets, rounds, slowdown, bandwidth, json,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            StragglerSettings settings;
            try
            {
                var code = CodecFactory.Create(parse.GetValue(codec)!);
                int n = parse.GetValue(nodes);
                if (n < code.DataShards + code.ParityShards) throw new ArgumentException($"--nodes {n} is fewer than the {code.DataShards + code.ParityShards} chunks of {code.Name}.");
                double size = parse.GetValue(sizeMiB), slow = parse.GetValue(slowdown), mibps = parse.GetValue(bandwidth);
                int o = parse.GetValue(objects), g = parse.GetValue(gets), r = parse.GetValue(rounds);
                if (size <= 0 || size > 512) throw new ArgumentException("--size-mib must be in (0, 512].");
                if (slow < 1) throw new ArgumentException("--slowdown must be at least 1.");
                if (mibps <= 0) throw new ArgumentException("--node-mib-per-s must be positive.");
                if (o < 1 || g < 1 || r < 1) throw new ArgumentException("--objects, --gets and --rounds must be at least 1.");
                settings = new StragglerSettings(code.Name, n, (int)(size * 1024 * 1024), o, g, r, slow, (long)(mibps * 1024 * 1024));
            }
            catch (ArgumentException e)
            {
                Console.Error.WriteLine($"error: {e.Message}");
                return 2;
            }
            var report = await StragglerBenchmark.RunAsync(settings, Console.Out, cancellationToken);
            var inv = CultureInfo.InvariantCulture;
            Console.WriteLine();
            Console.WriteLine(string.Create(inv, $"  {"",-28} {"GETs",6} {"p50 ms",9} {"p99 ms",9} {"mean ms",9}"));
            Console.WriteLine(string.Create(inv, $"  {"every node at full",-28} {report.Baseline.Count,6} {report.Baseline.P50Ms,9:0.00} {report.Baseline.P99Ms,9:0.00} {report.Baseline.MeanMs,9:0.00}"));
            Console.WriteLine(string.Create(inv, $"  {$"{report.StragglerNode} {settings.Slowdown:0.#}× slower",-28} {report.WithStraggler.Count,6} {report.WithStraggler.P50Ms,9:0.00} {report.WithStraggler.P99Ms,9:0.00} {report.WithStraggler.MeanMs,9:0.00}"));
            Console.WriteLine(string.Create(inv, $"  p50 ratio {report.Ratio:0.000}× (bar ≤ {StragglerSettings.Bar}×): {(report.MeetsBar ? "met" : "NOT met")}"));
            if (parse.GetValue(json) is { } file)
                ReportFile.TryWrite(file, stream => JsonSerializer.Serialize(stream, new
                {
                    settings.Codec, settings.Nodes, settings.ObjectBytes, settings.Slowdown, settings.NodeBytesPerSecond, report.StragglerNode,
                    baseline = report.Baseline, withStraggler = report.WithStraggler, report.Ratio, bar = StragglerSettings.Bar, report.MeetsBar,
                }, new JsonSerializerOptions { WriteIndented = true }));
            return report.MeetsBar ? 0 : 1;
        });
        return command;
    }
}
