using Tiered.Codecs.Galois;
using Xunit;

namespace Tiered.Codecs.Tests.Galois;

public class GaloisMatrixTests
{
    private static byte[] Multiply(byte[] a, byte[] b, int n)
    {
        var result = new byte[n * n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                byte sum = 0;
                for (int t = 0; t < n; t++) sum ^= GaloisField.Multiply(a[i * n + t], b[t * n + j]);
                result[i * n + j] = sum;
            }
        return result;
    }

    private static byte[] Identity(int n)
    {
        var identity = new byte[n * n];
        for (int i = 0; i < n; i++) identity[i * n + i] = 1;
        return identity;
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(4, 2)]
    [InlineData(10, 4)]
    [InlineData(200, 56)]
    public void CauchyIsIdentityOverInverseOfIXorJ(int k, int r)
    {
        var matrix = GaloisMatrix.Cauchy(k, r);
        Assert.Equal((k + r) * k, matrix.Length);
        Assert.Equal(Identity(k), matrix[..(k * k)]);
        for (int i = k; i < k + r; i++)
            for (int j = 0; j < k; j++)
                Assert.True(GaloisField.Multiply(matrix[i * k + j], (byte)(i ^ j)) == 1, $"row {i} column {j}: {matrix[i * k + j]} is not inv({i}^{j})");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(5)]
    [InlineData(12)]
    [InlineData(40)]
    public void InvertTimesMatrixIsIdentity(int n)
    {
        var random = new Random(n);
        int inverted = 0;
        for (int attempt = 0; attempt < 20; attempt++)
        {
            var matrix = new byte[n * n];
            random.NextBytes(matrix);
            var copy = (byte[])matrix.Clone();
            var inverse = new byte[n * n];
            if (!GaloisMatrix.TryInvert(copy, n, inverse)) continue;
            Assert.Equal(Identity(n), Multiply(inverse, matrix, n));
            Assert.Equal(Identity(n), Multiply(matrix, inverse, n));
            inverted++;
        }
        Assert.True(inverted >= 10, $"only {inverted} of 20 random {n}×{n} matrices were invertible");
    }

    [Fact]
    public void SingularMatricesAreReported()
    {
        var twoEqualRows = new byte[] { 3, 7, 9, 3, 7, 9, 1, 2, 4 };
        Assert.False(GaloisMatrix.TryInvert(twoEqualRows, 3, new byte[9]));
        // Row 1 = 2·row 0 in GF(2^8).
        var scaled = new byte[] { 5, 9, GaloisField.Multiply(2, 5), GaloisField.Multiply(2, 9) };
        Assert.False(GaloisMatrix.TryInvert(scaled, 2, new byte[4]));
        Assert.False(GaloisMatrix.TryInvert(new byte[4], 2, new byte[4]));
    }

    [Theory]
    [InlineData(4, 3)]
    [InlineData(6, 3)]
    [InlineData(10, 4)]
    public void EveryKRowsOfTheCauchyMatrixAreInvertible(int k, int r)
    {
        var matrix = GaloisMatrix.Cauchy(k, r);
        int n = k + r, subsets = 0;
        for (int mask = 0; mask < 1 << n; mask++)
        {
            if (System.Numerics.BitOperations.PopCount((uint)mask) != k) continue;
            var rows = Enumerable.Range(0, n).Where(i => (mask & (1 << i)) != 0).ToArray();
            var sub = rows.SelectMany(i => matrix.Skip(i * k).Take(k)).ToArray();
            Assert.True(GaloisMatrix.TryInvert(sub, k, new byte[k * k]), $"rows {string.Join(",", rows)} are singular");
            subsets++;
        }
        Assert.True(subsets > 0);
    }

    [Fact]
    public void MultiplyRowAndSystematic()
    {
        var random = new Random(5);
        var matrix = new byte[4 * 4];
        random.NextBytes(matrix);
        var row = new byte[] { 0, 1, 2, 0x8E };
        var result = new byte[4];
        GaloisMatrix.MultiplyRow(row, matrix, 4, result);
        for (int j = 0; j < 4; j++)
        {
            byte expected = 0;
            for (int i = 0; i < 4; i++) expected ^= GaloisField.Multiply(row[i], matrix[i * 4 + j]);
            Assert.Equal(expected, result[j]);
        }

        var systematic = GaloisMatrix.Systematic(3, 2, (p, j) => (byte)(10 * p + j + 1));
        Assert.Equal(Identity(3), systematic[..9]);
        Assert.Equal(new byte[] { 1, 2, 3, 11, 12, 13 }, systematic[9..]);
    }
}
