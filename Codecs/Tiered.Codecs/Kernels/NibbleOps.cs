using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Tiered.Codecs.Galois;

namespace Tiered.Codecs.Kernels;

/// <summary>
/// The classic split-nibble method: c·x = T_lo[x &amp; 15] ⊕ T_hi[x &gt;&gt; 4], each table looked up 16 bytes at a
/// time with a byte shuffle. The table holds T_lo then T_hi, each repeated per 128-bit lane.
/// </summary>
internal static class NibbleTables
{
    public static void Write(byte coefficient, Span<byte> table)
    {
        int half = table.Length / 2;
        for (int i = 0; i < half; i++)
        {
            int nibble = i & 15;
            table[i] = GaloisField.Multiply(coefficient, (byte)nibble);
            table[half + i] = GaloisField.Multiply(coefficient, (byte)(nibble << 4));
        }
    }
}

internal readonly unsafe struct NibbleV512Ops : IGaloisVectorOps<Vector512<byte>>
{
    public static bool IsSupported => Avx512BW.IsSupported;
    public static int Width => 64;
    public static int TableStride => 128;
    public static void WriteTable(byte coefficient, Span<byte> table) => NibbleTables.Write(coefficient, table);
    public static Vector512<byte> Load(byte* source) => Vector512.Load(source);
    public static void Store(byte* destination, Vector512<byte> value) => value.Store(destination);
    public static Vector512<byte> Xor(Vector512<byte> a, Vector512<byte> b) => a ^ b;
    public static Vector512<byte> Xor3(Vector512<byte> a, Vector512<byte> b, Vector512<byte> c) => Avx512F.TernaryLogic(a, b, c, 0x96);
    public static Vector512<byte> Multiply(Vector512<byte> data, byte* table)
    {
        var mask = Vector512.Create((byte)0x0F);
        var low = data & mask;
        var high = Vector512.ShiftRightLogical(data.AsUInt16(), 4).AsByte() & mask;
        return Avx512BW.Shuffle(Vector512.Load(table), low) ^ Avx512BW.Shuffle(Vector512.Load(table + 64), high);
    }
}

internal readonly unsafe struct NibbleV256Ops : IGaloisVectorOps<Vector256<byte>>
{
    public static bool IsSupported => Avx2.IsSupported;
    public static int Width => 32;
    public static int TableStride => 64;
    public static void WriteTable(byte coefficient, Span<byte> table) => NibbleTables.Write(coefficient, table);
    public static Vector256<byte> Load(byte* source) => Vector256.Load(source);
    public static void Store(byte* destination, Vector256<byte> value) => value.Store(destination);
    public static Vector256<byte> Xor(Vector256<byte> a, Vector256<byte> b) => a ^ b;
    public static Vector256<byte> Xor3(Vector256<byte> a, Vector256<byte> b, Vector256<byte> c) => Avx512F.VL.IsSupported ? Avx512F.VL.TernaryLogic(a, b, c, 0x96) : a ^ b ^ c;
    public static Vector256<byte> Multiply(Vector256<byte> data, byte* table)
    {
        var mask = Vector256.Create((byte)0x0F);
        var low = data & mask;
        var high = Vector256.ShiftRightLogical(data.AsUInt16(), 4).AsByte() & mask;
        return Avx2.Shuffle(Vector256.Load(table), low) ^ Avx2.Shuffle(Vector256.Load(table + 32), high);
    }
}

/// <summary>Portable 128-bit path: pshufb on x86, tbl on Arm64 (through <see cref="Vector128.ShuffleNative(Vector128{byte}, Vector128{byte})"/>).</summary>
internal readonly unsafe struct NibbleV128Ops : IGaloisVectorOps<Vector128<byte>>
{
    public static bool IsSupported => Vector128.IsHardwareAccelerated;
    public static int Width => 16;
    public static int TableStride => 32;
    public static void WriteTable(byte coefficient, Span<byte> table) => NibbleTables.Write(coefficient, table);
    public static Vector128<byte> Load(byte* source) => Vector128.Load(source);
    public static void Store(byte* destination, Vector128<byte> value) => value.Store(destination);
    public static Vector128<byte> Xor(Vector128<byte> a, Vector128<byte> b) => a ^ b;
    public static Vector128<byte> Xor3(Vector128<byte> a, Vector128<byte> b, Vector128<byte> c) => Avx512F.VL.IsSupported ? Avx512F.VL.TernaryLogic(a, b, c, 0x96) : a ^ b ^ c;
    public static Vector128<byte> Multiply(Vector128<byte> data, byte* table)
    {
        var mask = Vector128.Create((byte)0x0F);
        var low = data & mask;
        var high = Vector128.ShiftRightLogical(data.AsUInt16(), 4).AsByte() & mask;
        return Vector128.ShuffleNative(Vector128.Load(table), low) ^ Vector128.ShuffleNative(Vector128.Load(table + 16), high);
    }
}
