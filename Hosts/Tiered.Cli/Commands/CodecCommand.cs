using System.CommandLine;
using Tiered.Codecs;
using Tiered.Codecs.Conformance.KnownAnswers;
using Tiered.Codecs.Kernels;
using Tiered.Coding;

namespace Tiered.Cli.Commands;

/// <summary><c>tiered codec …</c>: checks of the built-in codecs.</summary>
internal static class CodecCommand
{
    public static Command Create()
    {
        var command = new Command("codec", "Check the built-in codecs.");
        command.Subcommands.Add(CreateVectors());
        return command;
    }

    private static Command CreateVectors()
    {
        var directory = new Argument<DirectoryInfo>("DIR") { Description = "A directory of vector files in the format of shared/vectors (reed-solomon-cauchy.json, raid-layouts.json)." };
        var kernel = new Option<string?>("--kernel") { Description = $"Force a GF(2^8) kernel ({string.Join(", ", GaloisKernel.All.Select(k => k.Name))}); default: the fastest supported." };
        var command = new Command("vectors", "Check the built-in codecs against known-answer vectors: one line per vector, exit code 1 if any fails.") { directory, kernel };
        command.SetAction(parse => RunVectors(parse.GetValue(directory)!, parse.GetValue(kernel), Console.Out));
        return command;
    }

    internal static int RunVectors(DirectoryInfo directory, string? kernelName, TextWriter output)
    {
        GaloisKernel kernel;
        try
        {
            kernel = kernelName is null ? GaloisKernel.Best : GaloisKernel.FromName(kernelName);
            if (!kernel.IsSupported) throw new PlatformNotSupportedException($"the {kernel.Name} kernel is not supported on this CPU");
        }
        catch (Exception e) when (e is ArgumentException or PlatformNotSupportedException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 2;
        }

        IReadOnlyList<ReedSolomonVector> rs;
        IReadOnlyList<RaidVector> raid;
        try
        {
            (rs, raid) = KnownAnswerVectors.LoadDirectory(directory.FullName);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or System.Text.Json.JsonException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 2;
        }
        if (rs.Count + raid.Count == 0)
        {
            Console.Error.WriteLine($"error: no vectors found in {directory.FullName}");
            return 2;
        }

        var results = new List<VectorCheckResult>();
        foreach (var vector in rs)
            results.Add(Run(vector.Name, () => new ReedSolomonCodec(vector.DataShards, vector.ParityShards, kernel), codec => KnownAnswerChecks.Check(vector, codec)));
        foreach (var vector in raid)
            results.Add(Run(vector.Name, () => CodecFactory.Create($"{vector.Codec}({vector.DataShards},unit={vector.StripeUnit})", kernel), codec => KnownAnswerChecks.Check(vector, codec)));

        foreach (var result in results)
            output.WriteLine($"{(result.Passed ? "PASS" : "FAIL")}  {result.Name}: {result.Detail}");
        int failed = results.Count(r => !r.Passed);
        output.WriteLine($"{results.Count - failed} passed, {failed} failed (kernel {kernel.Name})");
        return failed == 0 ? 0 : 1;
    }

    private static VectorCheckResult Run(string name, Func<IErasureCodec> create, Func<IErasureCodec, VectorCheckResult> check)
    {
        try
        {
            return check(create());
        }
        catch (Exception e)
        {
            return new VectorCheckResult(name, false, $"no codec for this vector: {e.Message}");
        }
    }
}
