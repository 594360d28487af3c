namespace Tiered.Codecs.Galois;

/// <summary>Dense row-major matrices over GF(2^8).</summary>
public static class GaloisMatrix
{
    /// <summary>
    /// The (k+r)×k encoding matrix of ISA-L's <c>gf_gen_cauchy1_matrix</c>: identity on top, then
    /// row i (k ≤ i &lt; k+r), column j holds inv(i XOR j).
    /// </summary>
    public static byte[] Cauchy(int dataShards, int parityShards)
    {
        int total = dataShards + parityShards;
        var matrix = new byte[total * dataShards];
        for (int i = 0; i < dataShards; i++) matrix[i * dataShards + i] = 1;
        for (int i = dataShards; i < total; i++)
            for (int j = 0; j < dataShards; j++)
                matrix[i * dataShards + j] = GaloisField.Inverse((byte)(i ^ j));
        return matrix;
    }

    /// <summary>Identity on top of <paramref name="parityRows"/> rows given by <paramref name="coefficient"/>(row, column).</summary>
    public static byte[] Systematic(int dataShards, int parityRows, Func<int, int, byte> coefficient)
    {
        int total = dataShards + parityRows;
        var matrix = new byte[total * dataShards];
        for (int i = 0; i < dataShards; i++) matrix[i * dataShards + i] = 1;
        for (int p = 0; p < parityRows; p++)
            for (int j = 0; j < dataShards; j++)
                matrix[(dataShards + p) * dataShards + j] = coefficient(p, j);
        return matrix;
    }

    /// <summary>Inverts the n×n matrix in place by Gauss-Jordan elimination; false when it is singular.</summary>
    public static bool TryInvert(Span<byte> matrix, int n, Span<byte> inverse)
    {
        inverse.Clear();
        for (int i = 0; i < n; i++) inverse[i * n + i] = 1;
        for (int col = 0; col < n; col++)
        {
            int pivot = col;
            while (pivot < n && matrix[pivot * n + col] == 0) pivot++;
            if (pivot == n) return false;
            if (pivot != col)
            {
                SwapRows(matrix, n, pivot, col);
                SwapRows(inverse, n, pivot, col);
            }
            byte scale = GaloisField.Inverse(matrix[col * n + col]);
            ScaleRow(matrix.Slice(col * n, n), scale);
            ScaleRow(inverse.Slice(col * n, n), scale);
            for (int row = 0; row < n; row++)
            {
                byte factor = matrix[row * n + col];
                if (row == col || factor == 0) continue;
                AddScaledRow(matrix.Slice(row * n, n), matrix.Slice(col * n, n), factor);
                AddScaledRow(inverse.Slice(row * n, n), inverse.Slice(col * n, n), factor);
            }
        }
        return true;
    }

    /// <summary>result (1×n) = row (1×k) · matrix (k×n).</summary>
    public static void MultiplyRow(ReadOnlySpan<byte> row, ReadOnlySpan<byte> matrix, int n, Span<byte> result)
    {
        result.Clear();
        for (int i = 0; i < row.Length; i++)
            if (row[i] != 0) AddScaledRow(result, matrix.Slice(i * n, n), row[i]);
    }

    private static void SwapRows(Span<byte> m, int n, int a, int b)
    {
        Span<byte> temp = stackalloc byte[n];
        m.Slice(a * n, n).CopyTo(temp);
        m.Slice(b * n, n).CopyTo(m.Slice(a * n, n));
        temp.CopyTo(m.Slice(b * n, n));
    }

    private static void ScaleRow(Span<byte> row, byte scale)
    {
        for (int i = 0; i < row.Length; i++) row[i] = GaloisField.Multiply(row[i], scale);
    }

    private static void AddScaledRow(Span<byte> target, ReadOnlySpan<byte> source, byte factor)
    {
        for (int i = 0; i < target.Length; i++) target[i] ^= GaloisField.Multiply(source[i], factor);
    }
}
