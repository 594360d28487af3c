using System.Diagnostics;
using Tiered.Codecs.Kernels;

namespace Tiered.Cli.Benchmarks;

/// <summary>What <c>tiered bench codecs</c> measures and how.</summary>
internal sealed record CodecBenchOptions(
    IReadOnlyList<CodecBenchCase> Cases,
    IReadOnlyList<int> ShardSizes,
    MeasureSettings Settings,
    GaloisKernel Kernel,
    bool UseIsaL,
    bool Quick);

/// <summary>Runs every (codec, shard size, operation) measurement, Tiered then ISA-L back to back, single-threaded.</summary>
internal static class CodecBenchRunner
{
    private static readonly CodecOperation[] s_operations = Enum.GetValues<CodecOperation>();

    public static CodecBenchReport Run(CodecBenchOptions options, TextWriter? progress)
    {
        var clock = Stopwatch.StartNew();
        var results = new List<CodecBenchResult>();
        var problems = new List<string>();
        bool isal = options.UseIsaL && IsaL.IsAvailable;
        int total = options.Cases.Count * options.ShardSizes.Count;
        int done = 0;
        foreach (var benchCase in options.Cases)
        {
            var codec = benchCase.Create(options.Kernel);
            foreach (int shardSize in options.ShardSizes)
            {
                done++;
                progress?.WriteLine($"[{done}/{total}] {codec.Name} {ByteSize.Format(shardSize)} shards ({clock.Elapsed.TotalSeconds:F0} s)");
                using var tiered = new TieredWorkload(benchCase, codec, shardSize, seed: 1234 + done);
                if (tiered.Verify() is { } tieredProblem) problems.Add(tieredProblem);
                using var native = isal && benchCase.IsaL != IsaLMethod.None ? new IsaLWorkload(benchCase, codec, shardSize, tiered.Object) : null;
                if (native?.Verify(codec) is { } nativeProblem) problems.Add(nativeProblem);

                foreach (var operation in s_operations)
                {
                    Action tieredOperation = operation switch
                    {
                        CodecOperation.Encode => tiered.EncodeParity,
                        CodecOperation.Decode => tiered.Reconstruct,
                        CodecOperation.EncodeObject => tiered.EncodeObject,
                        _ => tiered.DecodeObject,
                    };
                    var measured = new List<(Action, long)> { (tieredOperation, tiered.BytesPerOperation) };
                    if (native is not null)
                    {
                        Action nativeOperation = operation switch
                        {
                            CodecOperation.Encode => native.Encode,
                            CodecOperation.Decode => native.Decode,
                            CodecOperation.EncodeObject => native.EncodeObject,
                            _ => native.DecodeObject,
                        };
                        measured.Add((nativeOperation, native.BytesPerOperation));
                    }
                    var throughputs = ThroughputMeter.MeasureInterleaved(measured, options.Settings);
                    var tieredThroughput = throughputs[0];
                    Throughput? nativeThroughput = throughputs.Length > 1 ? throughputs[1] : null;
                    int lost = operation is CodecOperation.Decode or CodecOperation.DecodeObject ? benchCase.Lost.Length : 0;
                    results.Add(new CodecBenchResult(codec.Name, shardSize, operation, lost, tiered.BytesPerOperation, tieredThroughput, nativeThroughput));
                }
                // Leave the rebuilt buffers as the check expects them (measurements overwrite lost shards with the same bytes).
                if (tiered.Verify() is { } after) problems.Add("after measuring: " + after);
            }
        }

        return new CodecBenchReport(
            DateTimeOffset.Now,
            MachineInfo.CpuModel,
            MachineInfo.Runtime,
            MachineInfo.VectorFeatures,
            options.Kernel.Name,
            XorKernel.Name,
            isal ? IsaL.LibraryName : null,
            options.UseIsaL ? IsaL.LoadError : "disabled with --no-isal",
            options.Quick,
            options.Settings,
            results,
            problems,
            clock.Elapsed);
    }
}
