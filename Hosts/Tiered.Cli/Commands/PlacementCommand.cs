using System.CommandLine;
using System.Globalization;
using Tiered.Placement;
using Tiered.Placement.Statistics;

namespace Tiered.Cli.Commands;

/// <summary><c>tiered placement …</c>: statistics of the placement strategies.</summary>
internal static class PlacementCommand
{
    public static Command Create()
    {
        var command = new Command("placement", "Inspect the placement strategies (where keys and erasure-coded chunks live).");
        command.Subcommands.Add(CreateStats());
        return command;
    }

    private static Command CreateStats()
    {
        var strategy = new Option<string>("--strategy")
        {
            Description = $"A strategy ({string.Join(", ", PlacementFactory.Names)}), optionally with its parameter, e.g. maglev(65537) or bounded(1.25); or 'all' for one row each.",
            DefaultValueFactory = _ => "all",
        };
        var nodes = new Option<int>("--nodes") { Description = "n: the number of nodes before the change.", DefaultValueFactory = _ => 12 };
        var keys = new Option<int>("--keys") { Description = "M: the number of keys key-0 … key-(M-1).", DefaultValueFactory = _ => 1_000_000 };
        var vnodes = new Option<int>("--vnodes") { Description = "Ring tokens per weight-1 node for vnodes and bounded.", DefaultValueFactory = _ => VirtualNodePlacement<string>.DefaultVirtualNodes };
        var weights = new Option<string?>("--weights") { Description = "Comma-separated node weights, one per node (e.g. 1,1,2,…); default all 1." };
        var chunks = new Option<string?>("--chunks") { Description = "Place each key's K+R erasure-coded chunks on distinct nodes (e.g. 10+2) and count chunks instead of keys." };
        var command = new Command("stats", "Place M keys on n nodes and report balance, movement when one node joins or leaves, and lookup cost.")
        {
            strategy, nodes, keys, vnodes, weights, chunks,
        };
        command.SetAction(parse => RunStats(parse.GetValue(strategy)!, parse.GetValue(nodes), parse.GetValue(keys), parse.GetValue(vnodes),
            parse.GetValue(weights), parse.GetValue(chunks), Console.Out, Console.Error));
        return command;
    }

    internal static int RunStats(string strategy, int nodeCount, int keyCount, int virtualNodes, string? weightList, string? chunkSpec, TextWriter output, TextWriter log)
    {
        double[]? weights;
        int chunksPerKey;
        List<string> specs;
        var options = new PlacementOptions { VirtualNodes = virtualNodes };
        try
        {
            if (nodeCount is < 2 or > 100_000) throw new ArgumentException($"--nodes must be between 2 and 100,000 (got {nodeCount})");
            if (keyCount < 1) throw new ArgumentException($"--keys must be positive (got {keyCount})");
            weights = ParseWeights(weightList, nodeCount);
            chunksPerKey = ParseChunks(chunkSpec, nodeCount);
            specs = strategy.Trim().Equals("all", StringComparison.OrdinalIgnoreCase) ? [.. PlacementFactory.Names] : [strategy];
            foreach (var spec in specs) PlacementFactory.Create(spec, options); // reject unknown names and bad parameters up front
        }
        catch (ArgumentException e)
        {
            log.WriteLine($"error: {Plain(e)}");
            return 2;
        }

        log.WriteLine($"hashing {keyCount:N0} keys…");
        ulong[] keyHashes = PlacementStatistics.KeyHashes(keyCount);
        string unit = chunksPerKey == 1 ? "keys" : "chunks";
        output.WriteLine($"{nodeCount} nodes, {keyCount:N0} keys (key-0 … key-{keyCount - 1}, XxHash3){(chunksPerKey > 1 ? $", {chunkSpec} = {chunksPerKey} chunks per key on distinct nodes" : "")}" +
                         $"{(weights is null ? "" : $", weights {weightList}")}; moves: add {PlacementStatistics.NodeName(nodeCount)}, remove {PlacementStatistics.NodeName(nodeCount - 1)}");
        output.WriteLine($"{"strategy",-16} {"peak/mean",9} {"min/mean",8} {"CV",7} {"share err",9}   {$"% {unit} moved on add (ideal)",-30} {"between old",11}   {$"on remove (ideal)",-18} {"between old",11} {"ns/lookup",9}");
        int failures = 0;
        foreach (var spec in specs)
        {
            try
            {
                var report = PlacementStatistics.Measure(() => PlacementFactory.Create(spec, options), nodeCount, keyHashes, weights, chunksPerKey, line => log.WriteLine(line));
                output.WriteLine(Format(report));
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException)
            {
                output.WriteLine($"{spec,-16} skipped: {Plain(e)}");
                failures++;
            }
        }
        if (keyCount < 1_000_000) output.WriteLine("note: the bar is stated for 1,000,000 keys; fewer keys give noisier balance figures.");
        return failures == specs.Count ? 1 : 0;
    }

    /// <summary>An exception's message without .NET's "(Parameter 'x')" suffix and "Actual value was" line.</summary>
    private static string Plain(Exception e)
    {
        string line = e.Message.Split('\n')[0].TrimEnd();
        string suffix = e is ArgumentException { ParamName: { } name } ? $" (Parameter '{name}')" : "";
        return suffix.Length > 0 && line.EndsWith(suffix, StringComparison.Ordinal) ? line[..^suffix.Length] : line;
    }

    private static string Format(PlacementReport r)
    {
        string P(double fraction) => (100 * fraction).ToString("0.00", CultureInfo.InvariantCulture) + " %";
        string F(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
        string add = $"{P(r.MovedOnAdd)} ({P(r.IdealOnAdd)}, ×{F(r.MovedOnAdd / r.IdealOnAdd, "0.000")})";
        string remove = $"{P(r.MovedOnRemove)} ({P(r.IdealOnRemove)})";
        return $"{r.Strategy,-16} {F(r.PeakToMean, "0.0000"),9} {F(r.MinToMean, "0.0000"),8} {F(r.CoefficientOfVariation, "0.0000"),7} {P(r.MaxShareError),9}   " +
               $"{add,-30} {P(r.MovedBetweenSurvivorsOnAdd),11}   {remove,-18} {P(r.MovedBetweenSurvivorsOnRemove),11} {F(r.NanosecondsPerLookup, "0.0"),9}";
    }

    private static double[]? ParseWeights(string? text, int nodeCount)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length != nodeCount) throw new ArgumentException($"--weights lists {parts.Length} weights for {nodeCount} nodes; give one per node");
        var weights = new double[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!double.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out weights[i]) || !double.IsFinite(weights[i]) || weights[i] <= 0)
                throw new ArgumentException($"--weights: '{parts[i]}' (node {i}) is not a positive number");
        }
        return weights;
    }

    private static int ParseChunks(string? text, int nodeCount)
    {
        if (string.IsNullOrWhiteSpace(text)) return 1;
        var parts = text.Split('+', StringSplitOptions.TrimEntries);
        if (parts.Length != 2 || !int.TryParse(parts[0], CultureInfo.InvariantCulture, out int k) || !int.TryParse(parts[1], CultureInfo.InvariantCulture, out int r) || k < 1 || r < 0)
            throw new ArgumentException($"--chunks must look like K+R with K ≥ 1 and R ≥ 0, e.g. 10+2 (got '{text}')");
        if (k + r > nodeCount - 1)
            throw new ArgumentException($"--chunks {text} needs {k + r} distinct nodes, and one more so a node can be removed; --nodes is {nodeCount}");
        return k + r;
    }
}
