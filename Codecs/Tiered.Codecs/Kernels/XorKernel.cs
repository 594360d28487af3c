using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Tiered.Codecs.Kernels;

/// <summary>output = inputs[0] ⊕ inputs[1] ⊕ …, with the widest vectors the CPU has.</summary>
public static unsafe class XorKernel
{
    public static string Name =>
        Vector512.IsHardwareAccelerated ? "xor-512" : Vector256.IsHardwareAccelerated ? "xor-256" : Vector128.IsHardwareAccelerated ? "xor-128" : "xor-64";

    public static void Xor(byte** inputs, int count, byte* output, nint length) => Xor(inputs, count, output, length, 1, 0);

    /// <summary>The same over <paramref name="blocks"/> blocks, block j starting <paramref name="stride"/>·j bytes after every pointer.</summary>
    public static void Xor(byte** inputs, int count, byte* output, nint length, int blocks, nint stride)
    {
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "XOR needs at least one input.");
        for (int j = 0; j < blocks; j++) XorRange(inputs, count, output, j * stride, j * stride + length);
    }

    /// <summary>XOR of the inputs' bytes [inputOffset, inputOffset+length) into output[0..length).</summary>
    internal static void Xor(byte** inputs, int count, byte* output, nint length, int blocks, nint stride, nint inputOffset)
    {
        for (nint i = 0; i < length; i++)
        {
            byte a = inputs[0][inputOffset + i];
            for (int c = 1; c < count; c++) a ^= inputs[c][inputOffset + i];
            output[i] = a;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void XorRange(byte** inputs, int count, byte* output, nint pos, nint end)
    {
        if (Vector512.IsHardwareAccelerated)
        {
            for (; pos + 256 <= end; pos += 256)
            {
                byte* p = inputs[0] + pos;
                var a = Vector512.Load(p); var b = Vector512.Load(p + 64); var c = Vector512.Load(p + 128); var d = Vector512.Load(p + 192);
                for (int i = 1; i < count; i++)
                {
                    p = inputs[i] + pos;
                    a ^= Vector512.Load(p); b ^= Vector512.Load(p + 64); c ^= Vector512.Load(p + 128); d ^= Vector512.Load(p + 192);
                }
                a.Store(output + pos); b.Store(output + pos + 64); c.Store(output + pos + 128); d.Store(output + pos + 192);
            }
        }
        if (Vector256.IsHardwareAccelerated)
        {
            for (; pos + 32 <= end; pos += 32)
            {
                var a = Vector256.Load(inputs[0] + pos);
                for (int i = 1; i < count; i++) a ^= Vector256.Load(inputs[i] + pos);
                a.Store(output + pos);
            }
        }
        for (; pos + 8 <= end; pos += 8)
        {
            ulong a = *(ulong*)(inputs[0] + pos);
            for (int i = 1; i < count; i++) a ^= *(ulong*)(inputs[i] + pos);
            *(ulong*)(output + pos) = a;
        }
        for (; pos < end; pos++)
        {
            byte a = inputs[0][pos];
            for (int i = 1; i < count; i++) a ^= inputs[i][pos];
            output[pos] = a;
        }
    }
}
