namespace Tiered.Codecs.Kernels;

/// <summary>
/// A coefficient matrix (rows × columns, row-major) prepared for one <see cref="GaloisKernel"/>: the kernel's
/// per-coefficient lookup tables live in pinned memory so that the hot loop reads them by pointer.
/// </summary>
public sealed unsafe class KernelMatrix
{
    private readonly byte[] _coefficients;
    private readonly byte[] _tables;

    internal KernelMatrix(GaloisKernel kernel, ReadOnlySpan<byte> coefficients, int rows, int columns, int tableStride)
    {
        if (rows < 1 || columns < 1)
            throw new ArgumentOutOfRangeException(nameof(rows), $"A kernel matrix needs at least one row and one column, not {rows}×{columns}.");
        if (coefficients.Length != rows * columns)
            throw new ArgumentException($"A {rows}×{columns} matrix needs {rows * columns} coefficients, not {coefficients.Length}.", nameof(coefficients));
        Kernel = kernel;
        Rows = rows;
        Columns = columns;
        _coefficients = coefficients.ToArray();
        // Tables are laid out column-major ([column][row]) so the inner loop over a row group walks them forward.
        _tables = GC.AllocateUninitializedArray<byte>(Math.Max(1, rows * columns * tableStride), pinned: true);
        for (int c = 0; c < columns; c++)
            for (int r = 0; r < rows; r++)
                kernel.WriteTable(coefficients[r * columns + c], _tables.AsSpan((c * rows + r) * tableStride, tableStride));
    }

    public GaloisKernel Kernel { get; }
    public int Rows { get; }
    public int Columns { get; }
    public ReadOnlySpan<byte> Coefficients => _coefficients;
    public byte Coefficient(int row, int column) => _coefficients[row * Columns + column];

    internal byte* Tables => (byte*)System.Runtime.CompilerServices.Unsafe.AsPointer(ref System.Runtime.InteropServices.MemoryMarshal.GetArrayDataReference(_tables));
}
