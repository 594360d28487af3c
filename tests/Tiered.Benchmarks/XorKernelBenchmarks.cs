using BenchmarkDotNet.Attributes;
using Tiered.Codecs.Kernels;

namespace Tiered.Benchmarks;

// Run:   dotnet run -c Release --project tests/Tiered.Benchmarks -- --filter '*XorKernel*'
// Quick: dotnet run -c Release --project tests/Tiered.Benchmarks -- --filter '*XorKernel*' --job short

/// <summary>XorKernel.Xor: one output from <see cref="Inputs"/> inputs (RAID-5(4) parity is 4 inputs).</summary>
[Config(typeof(BenchmarkConfig))]
public unsafe class XorKernelBenchmarks
{
    private byte[][] _buffers = null!;
    private byte** _inputs;
    private byte* _output;

    [Params(4, 10)]
    public int Inputs { get; set; }

    [Params(64 * 1024, 1024 * 1024)]
    public int ShardSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(5);
        _buffers = new byte[Inputs + 1][];
        _inputs = (byte**)System.Runtime.InteropServices.NativeMemory.Alloc((nuint)(sizeof(byte*) * Inputs));
        for (int i = 0; i <= Inputs; i++)
        {
            _buffers[i] = GC.AllocateUninitializedArray<byte>(ShardSize, pinned: true);
            random.NextBytes(_buffers[i]);
            byte* p = (byte*)System.Runtime.CompilerServices.Unsafe.AsPointer(ref _buffers[i][0]);
            if (i < Inputs) _inputs[i] = p;
            else _output = p;
        }
    }

    [GlobalCleanup]
    public void Cleanup() => System.Runtime.InteropServices.NativeMemory.Free(_inputs);

    [Benchmark(Description = "Xor")]
    public void Xor() => XorKernel.Xor(_inputs, Inputs, _output, ShardSize);
}
