namespace Tiered.Codecs.Kernels;

/// <summary>The reference kernel: one byte at a time through the field's product table. Runs anywhere.</summary>
internal sealed unsafe class ScalarGaloisKernel : GaloisKernel
{
    public override string Name => "scalar";
    public override bool IsSupported => true;
    public override int VectorBytes => 1;
    internal override int TableStride => 1;

    internal override void WriteTable(byte coefficient, Span<byte> table) => table[0] = coefficient;

    public override void Multiply(KernelMatrix matrix, byte** inputs, byte** outputs, nint length, int count, nint stride)
    {
        for (int j = 0; j < count; j++)
            MultiplyScalar(matrix, inputs, outputs, j * stride, j * stride + length);
    }
}
