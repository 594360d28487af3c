using System.Buffers;
using Tiered.Codecs.Galois;

namespace Tiered.Codecs.Kernels;

/// <summary>
/// A GF(2^8) matrix-times-shards kernel: outputs[r] = Σ_c coefficient[r, c] · inputs[c], byte by byte.
/// Several implementations exist (GFNI, AVX-512/AVX2 nibble tables, Vector128, scalar); <see cref="Best"/>
/// is the fastest the CPU supports, and every one produces the same bytes as <see cref="Scalar"/>.
/// </summary>
public abstract unsafe class GaloisKernel
{
    /// <summary>The environment variable that forces a kernel by name (e.g. <c>scalar</c>, <c>gfni-512</c>).</summary>
    public const string OverrideVariable = "TIERED_GF_KERNEL";

    private static readonly GaloisKernel[] s_all =
    [
        new VectorGaloisKernel<GfniV512Ops, System.Runtime.Intrinsics.Vector512<byte>>("gfni-512"),
        new VectorGaloisKernel<GfniV256Ops, System.Runtime.Intrinsics.Vector256<byte>>("gfni-256"),
        new VectorGaloisKernel<NibbleV512Ops, System.Runtime.Intrinsics.Vector512<byte>>("avx512-shuffle"),
        new VectorGaloisKernel<NibbleV256Ops, System.Runtime.Intrinsics.Vector256<byte>>("avx2-shuffle"),
        new VectorGaloisKernel<NibbleV128Ops, System.Runtime.Intrinsics.Vector128<byte>>("vector128-shuffle"),
        new ScalarGaloisKernel(),
    ];

    private static readonly Lazy<GaloisKernel> s_best = new(SelectBest);

    /// <summary>The reference implementation, one byte at a time through a 64 KiB product table.</summary>
    public static GaloisKernel Scalar => s_all[^1];

    /// <summary>Every kernel this CPU can run, fastest first.</summary>
    public static IReadOnlyList<GaloisKernel> Available { get; } = s_all.Where(k => k.IsSupported).ToArray();

    /// <summary>Every kernel that exists, supported here or not.</summary>
    public static IReadOnlyList<GaloisKernel> All => s_all;

    /// <summary>The fastest supported kernel, unless <see cref="OverrideVariable"/> names another.</summary>
    public static GaloisKernel Best => s_best.Value;

    public abstract string Name { get; }
    public abstract bool IsSupported { get; }

    /// <summary>Bytes processed per vector (1 for scalar).</summary>
    public abstract int VectorBytes { get; }

    /// <summary>Bytes of lookup table per coefficient.</summary>
    internal abstract int TableStride { get; }

    internal abstract void WriteTable(byte coefficient, Span<byte> table);

    public static GaloisKernel FromName(string name) =>
        s_all.FirstOrDefault(k => string.Equals(k.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"Unknown GF(2^8) kernel '{name}'. Known kernels: {string.Join(", ", s_all.Select(k => k.Name))}.", nameof(name));

    public KernelMatrix Prepare(ReadOnlySpan<byte> coefficients, int rows, int columns)
    {
        if (!IsSupported) throw new PlatformNotSupportedException($"The {Name} kernel is not supported on this CPU.");
        return new KernelMatrix(this, coefficients, rows, columns, TableStride);
    }

    /// <summary>outputs[r][0..length) = Σ_c m[r,c]·inputs[c][0..length). Outputs must not overlap inputs.</summary>
    public void Multiply(KernelMatrix matrix, byte** inputs, byte** outputs, nint length) => Multiply(matrix, inputs, outputs, length, 1, 0);

    /// <summary>
    /// The same over <paramref name="count"/> blocks of <paramref name="length"/> bytes, block j starting
    /// <paramref name="stride"/>·j bytes after every pointer: one call for all the stripes of a RAID layout
    /// that share a block-to-shard map.
    /// </summary>
    public abstract void Multiply(KernelMatrix matrix, byte** inputs, byte** outputs, nint length, int count, nint stride);

    /// <summary>
    /// RAID-6 style P+Q in one pass over the inputs: <paramref name="xorOutput"/> = ⊕ inputs and
    /// <paramref name="output"/> = Σ row[c]·inputs[c], for a one-row <paramref name="row"/> over every input.
    /// </summary>
    public virtual void MultiplyWithXor(KernelMatrix row, byte** inputs, byte* xorOutput, byte* output, nint length, int count, nint stride)
    {
        XorKernel.Xor(inputs, row.Columns, xorOutput, length, count, stride);
        Multiply(row, inputs, &output, length, count, stride);
    }

    /// <summary>The same as the pointer overload, over managed buffers (all of one length).</summary>
    public void Multiply(KernelMatrix matrix, ReadOnlySpan<ReadOnlyMemory<byte>> inputs, ReadOnlySpan<Memory<byte>> outputs)
    {
        if (matrix.Kernel != this) throw new ArgumentException($"The matrix was prepared for the {matrix.Kernel.Name} kernel, not {Name}.", nameof(matrix));
        if (inputs.Length != matrix.Columns) throw new ArgumentException($"The matrix has {matrix.Columns} columns but {inputs.Length} inputs were given.", nameof(inputs));
        if (outputs.Length != matrix.Rows) throw new ArgumentException($"The matrix has {matrix.Rows} rows but {outputs.Length} outputs were given.", nameof(outputs));
        int length = inputs[0].Length;
        foreach (var input in inputs)
            if (input.Length != length) throw new ArgumentException("All inputs must have the same length.", nameof(inputs));
        foreach (var output in outputs)
            if (output.Length < length) throw new ArgumentException($"An output of {output.Length} bytes cannot hold {length} bytes.", nameof(outputs));

        var handles = ArrayPool<System.Buffers.MemoryHandle>.Shared.Rent(inputs.Length + outputs.Length);
        try
        {
            byte** inPtrs = stackalloc byte*[inputs.Length];
            byte** outPtrs = stackalloc byte*[outputs.Length];
            for (int i = 0; i < inputs.Length; i++) { handles[i] = inputs[i].Pin(); inPtrs[i] = (byte*)handles[i].Pointer; }
            for (int i = 0; i < outputs.Length; i++) { handles[inputs.Length + i] = outputs[i].Pin(); outPtrs[i] = (byte*)handles[inputs.Length + i].Pointer; }
            Multiply(matrix, inPtrs, outPtrs, length);
        }
        finally
        {
            for (int i = 0; i < inputs.Length + outputs.Length; i++) handles[i].Dispose();
            ArrayPool<System.Buffers.MemoryHandle>.Shared.Return(handles, clearArray: true);
        }
    }

    /// <summary>The scalar fallback for a byte range [from, to) that vectors do not cover.</summary>
    internal static void MultiplyScalar(KernelMatrix matrix, byte** inputs, byte** outputs, nint from, nint to)
    {
        int rows = matrix.Rows, columns = matrix.Columns;
        for (int r = 0; r < rows; r++)
        {
            byte* output = outputs[r];
            for (int c = 0; c < columns; c++)
            {
                byte* input = inputs[c];
                ReadOnlySpan<byte> products = GaloisField.MultiplyRow(matrix.Coefficient(r, c));
                if (c == 0)
                    for (nint i = from; i < to; i++) output[i] = products[input[i]];
                else
                    for (nint i = from; i < to; i++) output[i] ^= products[input[i]];
            }
        }
    }

    public override string ToString() => Name;

    private static GaloisKernel SelectBest()
    {
        string? forced = Environment.GetEnvironmentVariable(OverrideVariable);
        if (!string.IsNullOrWhiteSpace(forced))
        {
            var kernel = FromName(forced.Trim());
            if (!kernel.IsSupported)
                throw new PlatformNotSupportedException($"{OverrideVariable}={forced}: that kernel is not supported on this CPU.");
            return kernel;
        }
        return Available[0];
    }
}
