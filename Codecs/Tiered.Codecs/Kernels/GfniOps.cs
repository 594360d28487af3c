using System.Buffers.Binary;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Tiered.Codecs.Galois;

namespace Tiered.Codecs.Kernels;

/// <summary>GFNI with 512-bit vectors: one <c>vgf2p8affineqb</c> per 64 bytes and coefficient.</summary>
internal readonly unsafe struct GfniV512Ops : IGaloisVectorOps<Vector512<byte>>
{
    public static bool IsSupported => Gfni.V512.IsSupported && Avx512F.IsSupported;
    public static int Width => 64;
    public static int TableStride => 64;
    public static void WriteTable(byte coefficient, Span<byte> table) => GfniTables.WriteBroadcast(coefficient, table);
    public static Vector512<byte> Load(byte* source) => Vector512.Load(source);
    public static void Store(byte* destination, Vector512<byte> value) => value.Store(destination);
    public static Vector512<byte> Xor(Vector512<byte> a, Vector512<byte> b) => a ^ b;
    public static Vector512<byte> Xor3(Vector512<byte> a, Vector512<byte> b, Vector512<byte> c) => Avx512F.TernaryLogic(a, b, c, 0x96);
    public static Vector512<byte> Multiply(Vector512<byte> data, byte* table) =>
        Gfni.V512.GaloisFieldAffineTransform(data, Vector512.Load(table), 0);
}

/// <summary>GFNI with 256-bit vectors.</summary>
internal readonly unsafe struct GfniV256Ops : IGaloisVectorOps<Vector256<byte>>
{
    public static bool IsSupported => Gfni.V256.IsSupported && Avx2.IsSupported;
    public static int Width => 32;
    public static int TableStride => 32;
    public static void WriteTable(byte coefficient, Span<byte> table) => GfniTables.WriteBroadcast(coefficient, table);
    public static Vector256<byte> Load(byte* source) => Vector256.Load(source);
    public static void Store(byte* destination, Vector256<byte> value) => value.Store(destination);
    public static Vector256<byte> Xor(Vector256<byte> a, Vector256<byte> b) => a ^ b;
    public static Vector256<byte> Xor3(Vector256<byte> a, Vector256<byte> b, Vector256<byte> c) => Avx512F.VL.IsSupported ? Avx512F.VL.TernaryLogic(a, b, c, 0x96) : a ^ b ^ c;
    public static Vector256<byte> Multiply(Vector256<byte> data, byte* table) =>
        Gfni.V256.GaloisFieldAffineTransform(data, Vector256.Load(table), 0);
}

internal static class GfniTables
{
    /// <summary>The coefficient's 8×8 affine bit matrix repeated across the table (one copy per 64-bit lane).</summary>
    public static void WriteBroadcast(byte coefficient, Span<byte> table)
    {
        ulong matrix = GaloisField.AffineMatrix(coefficient);
        for (int i = 0; i < table.Length; i += 8)
            BinaryPrimitives.WriteUInt64LittleEndian(table[i..], matrix);
    }
}
