namespace Tiered.Codecs.Kernels;

/// <summary>
/// The vector operations a GF(2^8) kernel needs, as static members so that
/// <see cref="VectorGaloisKernel{TOps, TVector}"/> is specialised (and inlined) per instruction set.
/// </summary>
internal unsafe interface IGaloisVectorOps<TVector> where TVector : struct
{
    static abstract bool IsSupported { get; }
    static abstract int Width { get; }
    static abstract int TableStride { get; }
    static abstract void WriteTable(byte coefficient, Span<byte> table);
    static abstract TVector Load(byte* source);
    static abstract void Store(byte* destination, TVector value);
    static abstract TVector Xor(TVector a, TVector b);

    /// <summary>a ⊕ b ⊕ c, in one instruction where the CPU has a ternary-logic op.</summary>
    static abstract TVector Xor3(TVector a, TVector b, TVector c);

    /// <summary>coefficient·data for every byte, the coefficient's table being at <paramref name="table"/>.</summary>
    static abstract TVector Multiply(TVector data, byte* table);
}
