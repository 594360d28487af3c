namespace Tiered.Codecs.Kernels;

/// <summary>
/// A compiled "compute these outputs from these inputs" step. Each output row of the coefficient matrix is
/// classified once: a unit row is a copy, a row of ones is a XOR, anything else goes to the GF kernel.
/// </summary>
internal sealed unsafe class CodingProgram
{
    private readonly (int Output, int Input)[] _copies;
    private readonly (int Output, int[] Inputs)[] _xors;
    private readonly int[] _generalOutputs;
    private readonly KernelMatrix? _general;
    private readonly bool _fusedXorAndGeneral;

    public CodingProgram(GaloisKernel kernel, ReadOnlySpan<byte> coefficients, int rows, int columns)
    {
        Rows = rows;
        Columns = columns;
        var copies = new List<(int, int)>();
        var xors = new List<(int, int[])>();
        var general = new List<int>();
        for (int r = 0; r < rows; r++)
        {
            var row = coefficients.Slice(r * columns, columns);
            var nonZero = new List<int>();
            bool onlyOnes = true;
            for (int c = 0; c < columns; c++)
            {
                if (row[c] == 0) continue;
                nonZero.Add(c);
                onlyOnes &= row[c] == 1;
            }
            if (onlyOnes && nonZero.Count == 1) copies.Add((r, nonZero[0]));
            else if (onlyOnes && nonZero.Count > 1) xors.Add((r, nonZero.ToArray()));
            else general.Add(r);
        }
        _fusedXorAndGeneral = copies.Count == 0 && xors.Count == 1 && xors[0].Item2.Length == columns && general.Count == 1;
        _copies = copies.ToArray();
        _xors = xors.ToArray();
        _generalOutputs = general.ToArray();
        if (general.Count > 0)
        {
            var generalCoefficients = new byte[general.Count * columns];
            for (int i = 0; i < general.Count; i++)
                coefficients.Slice(general[i] * columns, columns).CopyTo(generalCoefficients.AsSpan(i * columns));
            _general = kernel.Prepare(generalCoefficients, general.Count, columns);
        }
    }

    public int Rows { get; }

    private static void XorSubset(byte** inputs, int[] sources, byte* output, nint length, int count, nint stride)
    {
        byte** selected = stackalloc byte*[sources.Length];
        for (int i = 0; i < sources.Length; i++) selected[i] = inputs[sources[i]];
        XorKernel.Xor(selected, sources.Length, output, length, count, stride);
    }
    public int Columns { get; }

    public void Execute(byte** inputs, byte** outputs, nint length) => Execute(inputs, outputs, length, 1, 0);

    /// <summary>Runs over <paramref name="count"/> blocks, block j starting <paramref name="stride"/>·j bytes after every pointer.</summary>
    public void Execute(byte** inputs, byte** outputs, nint length, int count, nint stride)
    {
        if (length <= 0 || count <= 0) return;
        foreach (var (output, input) in _copies)
            for (int j = 0; j < count; j++)
                Buffer.MemoryCopy(inputs[input] + j * stride, outputs[output] + j * stride, length, length);
        if (_fusedXorAndGeneral)
        {
            // RAID-6: P (all ones) and Q together in one pass over the inputs.
            _general!.Kernel.MultiplyWithXor(_general, inputs, outputs[_xors[0].Output], outputs[_generalOutputs[0]], length, count, stride);
            return;
        }
        foreach (var (output, sources) in _xors)
        {
            if (sources.Length == Columns)
            {
                XorKernel.Xor(inputs, Columns, outputs[output], length, count, stride);
                continue;
            }
            XorSubset(inputs, sources, outputs[output], length, count, stride);
        }
        if (_general is not null)
        {
            byte** generalOutputs = stackalloc byte*[_generalOutputs.Length];
            for (int i = 0; i < _generalOutputs.Length; i++) generalOutputs[i] = outputs[_generalOutputs[i]];
            _general.Kernel.Multiply(_general, inputs, generalOutputs, length, count, stride);
        }
    }
}
