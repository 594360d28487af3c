using BenchmarkDotNet.Attributes;
using Tiered.Codecs.Galois;
using Tiered.Codecs.Kernels;

namespace Tiered.Benchmarks;

// Run:   dotnet run -c Release --project tests/Tiered.Benchmarks -- --filter '*GaloisKernel*'
// Quick: dotnet run -c Release --project tests/Tiered.Benchmarks -- --filter '*GaloisKernel*' --job short

/// <summary>
/// The raw GF(2^8) kernels (every one this CPU supports): the 4×10 parity rows of RS(10,4) times 10 input
/// buffers, the inner loop of encoding without any codec bookkeeping.
/// </summary>
[Config(typeof(BenchmarkConfig))]
public unsafe class GaloisKernelBenchmarks
{
    private const int DataShards = 10, ParityShards = 4;
    private KernelMatrix _matrix = null!;
    private GaloisKernel _kernel = null!;
    private byte[][] _buffers = null!;
    private byte** _inputs;
    private byte** _outputs;

    public static IEnumerable<string> Kernels => GaloisKernel.Available.Select(k => k.Name);

    [ParamsSource(nameof(Kernels))]
    public string Kernel { get; set; } = "scalar";

    [Params(64 * 1024, 1024 * 1024)]
    public int ShardSize { get; set; }

    /// <summary>The matrix: 10 inputs (k, which the GB/s column reads), 4 outputs.</summary>
    [Params("10x4")]
    public string Shape { get; set; } = "10x4";

    [GlobalSetup]
    public void Setup()
    {
        _kernel = GaloisKernel.FromName(Kernel);
        byte[] cauchy = GaloisMatrix.Cauchy(DataShards, ParityShards);
        _matrix = _kernel.Prepare(cauchy.AsSpan(DataShards * DataShards), ParityShards, DataShards);
        var random = new Random(4);
        _buffers = new byte[DataShards + ParityShards][];
        _inputs = (byte**)System.Runtime.InteropServices.NativeMemory.Alloc((nuint)(sizeof(byte*) * DataShards));
        _outputs = (byte**)System.Runtime.InteropServices.NativeMemory.Alloc((nuint)(sizeof(byte*) * ParityShards));
        for (int i = 0; i < _buffers.Length; i++)
        {
            _buffers[i] = GC.AllocateUninitializedArray<byte>(ShardSize, pinned: true);
            random.NextBytes(_buffers[i]);
            byte* p = (byte*)System.Runtime.CompilerServices.Unsafe.AsPointer(ref _buffers[i][0]);
            if (i < DataShards) _inputs[i] = p;
            else _outputs[i - DataShards] = p;
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        System.Runtime.InteropServices.NativeMemory.Free(_inputs);
        System.Runtime.InteropServices.NativeMemory.Free(_outputs);
    }

    [Benchmark(Description = "Multiply 4x10")]
    public void Multiply() => _kernel.Multiply(_matrix, _inputs, _outputs, ShardSize);
}
