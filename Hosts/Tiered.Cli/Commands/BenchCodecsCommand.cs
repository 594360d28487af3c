using System.CommandLine;
using Tiered.Cli.Benchmarks;
using Tiered.Codecs.Kernels;

namespace Tiered.Cli.Commands;

/// <summary><c>tiered bench codecs</c>: single-thread encode/decode throughput of the built-in codecs, next to ISA-L where it loads.</summary>
internal static class BenchCodecsCommand
{
    public static Command Create()
    {
        var quick = new Option<bool>("--quick") { Description = "Fewer, shorter rounds: the whole run takes well under 30 s (numbers are rougher)." };
        var sizes = new Option<string[]>("--size")
        {
            Description = "Shard sizes to measure, e.g. --size 64k --size 1m (k = 1024; default: 64k and 1m).",
            AllowMultipleArgumentsPerToken = true,
        };
        var codecs = new Option<string[]>("--codec")
        {
            Description = $"Only these codecs (default: all of {string.Join(", ", CodecBenchCase.Defaults.Select(c => c.Name))}).",
            AllowMultipleArgumentsPerToken = true,
        };
        var kernel = new Option<string?>("--kernel") { Description = $"Force a GF(2^8) kernel ({string.Join(", ", GaloisKernel.All.Select(k => k.Name))}); default: {GaloisKernel.Best.Name}, the fastest supported." };
        var json = new Option<FileInfo?>("--json") { Description = "Also write the results to this JSON file." };
        var noIsaL = new Option<bool>("--no-isal") { Description = "Do not measure ISA-L even when libisal.so.2 loads." };
        var rounds = new Option<int?>("--rounds") { Description = "Timed rounds per measurement (default: 7, or 3 with --quick); the best is reported." };

        var command = new Command("codecs", "Single-thread, cache-hot encode and decode throughput of RS(10,4), RS(10,2), RS(4,2), RAID-5(4), RAID-6(4) and Replication(3), with Intel ISA-L (libisal2) alongside when it is installed.")
        {
            quick, sizes, codecs, kernel, json, noIsaL, rounds,
        };
        command.SetAction(parse => Run(
            parse.GetValue(quick),
            parse.GetValue(sizes) ?? [],
            parse.GetValue(codecs) ?? [],
            parse.GetValue(kernel),
            parse.GetValue(json),
            parse.GetValue(noIsaL),
            parse.GetValue(rounds)));
        return command;
    }

    private static int Run(bool quick, string[] sizeArgs, string[] codecArgs, string? kernelName, FileInfo? json, bool noIsaL, int? rounds)
    {
        GaloisKernel kernel;
        try
        {
            kernel = kernelName is null ? GaloisKernel.Best : GaloisKernel.FromName(kernelName);
            if (!kernel.IsSupported) throw new PlatformNotSupportedException($"the {kernel.Name} kernel is not supported on this CPU (available: {string.Join(", ", GaloisKernel.Available.Select(k => k.Name))})");
        }
        catch (Exception e) when (e is ArgumentException or PlatformNotSupportedException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 2;
        }

        var shardSizes = new List<int>();
        foreach (string text in sizeArgs.SelectMany(s => s.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            if (!ByteSize.TryParse(text, out int size) || size % AlignedBuffer.Alignment != 0)
            {
                Console.Error.WriteLine($"error: --size {text}: expected a positive multiple of {AlignedBuffer.Alignment} bytes such as 64k or 1m.");
                return 2;
            }
            if (!shardSizes.Contains(size)) shardSizes.Add(size);
        }
        if (shardSizes.Count == 0) shardSizes.AddRange(CodecBenchCase.DefaultShardSizes);
        // RAID codecs stripe in 4 KiB units; a shard must hold whole units.
        var cases = CodecBenchCase.Defaults.ToList();
        var wanted = codecArgs.SelectMany(s => s.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
        if (wanted.Count > 0)
        {
            var unknown = wanted.Where(w => !cases.Any(c => string.Equals(c.Name, w, StringComparison.OrdinalIgnoreCase))).ToList();
            if (unknown.Count > 0)
            {
                Console.Error.WriteLine($"error: --codec {string.Join(", ", unknown)}: not one of {string.Join(", ", cases.Select(c => c.Name))}.");
                return 2;
            }
            cases = cases.Where(c => wanted.Any(w => string.Equals(c.Name, w, StringComparison.OrdinalIgnoreCase))).ToList();
        }
        if (cases.Any(c => c.IsaL is IsaLMethod.Xor or IsaLMethod.PQ) && shardSizes.Any(s => s % Codecs.RaidCodec.DefaultStripeUnit != 0))
        {
            Console.Error.WriteLine($"error: the RAID codecs need shard sizes that are multiples of their {Codecs.RaidCodec.DefaultStripeUnit}-byte stripe unit.");
            return 2;
        }
        var settings = quick ? MeasureSettings.Quick : MeasureSettings.Full;
        if (rounds is { } r)
        {
            if (r < 1) { Console.Error.WriteLine("error: --rounds must be at least 1."); return 2; }
            settings = settings with { Rounds = r };
        }

        if (!noIsaL && !IsaL.IsAvailable) Console.Error.WriteLine($"note: ISA-L is not measured: {IsaL.LoadError}.");
        var options = new CodecBenchOptions(cases, shardSizes, settings, kernel, UseIsaL: !noIsaL, quick);
        var report = CodecBenchRunner.Run(options, quick ? null : Console.Error);

        Console.Out.Write(report.Header());
        Console.Out.WriteLine();
        Console.Out.Write(report.Table());
        Console.Out.WriteLine();
        foreach (string problem in report.Problems) Console.Out.WriteLine($"MISMATCH: {problem}");
        Console.Out.WriteLine(report.Summary());

        if (json is not null && !ReportFile.TryWrite(json, report.WriteJson)) return 2;
        return report.Problems.Count == 0 ? 0 : 1;
    }
}
