using Tiered.Codecs.Galois;
using Tiered.Codecs.Kernels;
using Xunit;

namespace Tiered.Codecs.Tests.Kernels;

/// <summary>
/// The strided form (one call for many RAID stripes) and the fused P+Q form of every kernel compute, byte for
/// byte, what a plain per-byte evaluation of the definition computes — and leave the gaps between blocks alone.
/// </summary>
public unsafe class StridedAndFusedKernelTests
{
    public static TheoryData<string, int, int> Cases()
    {
        var data = new TheoryData<string, int, int>();
        foreach (var kernel in GaloisKernel.Available)
            foreach (int length in new[] { 1, 31, 64, 96, 200, 4096 })
                foreach (int count in new[] { 1, 3 })
                    data.Add(kernel.Name, length, count);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void StridedMultiplyTouchesOnlyTheBlocks(string kernelName, int length, int count)
    {
        var kernel = GaloisKernel.FromName(kernelName);
        var random = new Random(length * 31 + count);
        const int rows = 3, columns = 5;
        int stride = length + 37;
        var coefficients = new byte[rows * columns];
        random.NextBytes(coefficients);
        coefficients[0] = 0;
        coefficients[1] = 1;
        var inputs = Buffers(random, columns, stride * count);
        var outputs = Buffers(random, rows, stride * count);
        var before = outputs.Select(o => (byte[])o.Clone()).ToArray();

        WithPointers(inputs, outputs, (ins, outs) => kernel.Multiply(kernel.Prepare(coefficients, rows, columns), ins, outs, length, count, stride));

        for (int r = 0; r < rows; r++)
            for (int i = 0; i < stride * count; i++)
            {
                bool inBlock = i % stride < length;
                byte expected = inBlock ? Product(coefficients.AsSpan(r * columns, columns), inputs, i) : before[r][i];
                Assert.True(expected == outputs[r][i], $"{kernelName}: row {r} byte {i} ({(inBlock ? "in a block" : "in a gap")}) is {outputs[r][i]}, expected {expected}.");
            }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void FusedXorAndMultiplyEqualsTheDefinition(string kernelName, int length, int count)
    {
        var kernel = GaloisKernel.FromName(kernelName);
        var random = new Random(length * 17 + count);
        foreach (int columns in new[] { 1, 2, 4, 7 })
        {
            int stride = length + 5;
            var row = Enumerable.Range(0, columns).Select(GaloisField.Exp).ToArray();
            var inputs = Buffers(random, columns, stride * count);
            var outputs = Buffers(random, 2, stride * count);
            var before = outputs.Select(o => (byte[])o.Clone()).ToArray();
            var ones = Enumerable.Repeat((byte)1, columns).ToArray();

            WithPointers(inputs, outputs, (ins, outs) => kernel.MultiplyWithXor(kernel.Prepare(row, 1, columns), ins, outs[0], outs[1], length, count, stride));

            for (int i = 0; i < stride * count; i++)
            {
                bool inBlock = i % stride < length;
                Assert.Equal(inBlock ? Product(ones, inputs, i) : before[0][i], outputs[0][i]);
                Assert.Equal(inBlock ? Product(row, inputs, i) : before[1][i], outputs[1][i]);
            }
        }
    }

    private static byte Product(ReadOnlySpan<byte> row, byte[][] inputs, int index)
    {
        byte sum = 0;
        for (int c = 0; c < row.Length; c++) sum ^= GaloisField.Multiply(row[c], inputs[c][index]);
        return sum;
    }

    private static byte[][] Buffers(Random random, int count, int length) =>
        Enumerable.Range(0, count).Select(_ => { var b = new byte[length]; random.NextBytes(b); return b; }).ToArray();

    private delegate void PointerAction(byte** inputs, byte** outputs);

    private static void WithPointers(byte[][] inputs, byte[][] outputs, PointerAction action)
    {
        var handles = inputs.Concat(outputs).Select(b => System.Runtime.InteropServices.GCHandle.Alloc(b, System.Runtime.InteropServices.GCHandleType.Pinned)).ToArray();
        try
        {
            byte** ins = stackalloc byte*[inputs.Length];
            byte** outs = stackalloc byte*[outputs.Length];
            for (int i = 0; i < inputs.Length; i++) ins[i] = (byte*)handles[i].AddrOfPinnedObject();
            for (int i = 0; i < outputs.Length; i++) outs[i] = (byte*)handles[inputs.Length + i].AddrOfPinnedObject();
            action(ins, outs);
        }
        finally
        {
            foreach (var handle in handles) handle.Free();
        }
    }
}
