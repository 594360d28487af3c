namespace Tiered.Codecs.Galois;

/// <summary>Arithmetic in GF(2^8) with the polynomial 0x11D and generator 2 (as ISA-L, Linux md and HDFS use).</summary>
public static class GaloisField
{
    public const int Polynomial = 0x11D;

    private static readonly byte[] s_exp = new byte[512];
    private static readonly byte[] s_log = new byte[256];
    private static readonly byte[] s_inverse = new byte[256];
    private static readonly byte[] s_multiply = new byte[256 * 256];

    static GaloisField()
    {
        int x = 1;
        for (int i = 0; i < 255; i++)
        {
            s_exp[i] = (byte)x;
            s_log[x] = (byte)i;
            x <<= 1;
            if ((x & 0x100) != 0) x ^= Polynomial;
        }
        for (int i = 255; i < 512; i++) s_exp[i] = s_exp[i - 255];
        for (int a = 1; a < 256; a++) s_inverse[a] = s_exp[255 - s_log[a]];
        for (int a = 1; a < 256; a++)
            for (int b = 1; b < 256; b++)
                s_multiply[(a << 8) | b] = s_exp[s_log[a] + s_log[b]];
    }

    public static byte Multiply(byte a, byte b) => s_multiply[(a << 8) | b];

    /// <summary>The 256-entry row of products c·x for every x.</summary>
    public static ReadOnlySpan<byte> MultiplyRow(byte c) => s_multiply.AsSpan(c << 8, 256);

    public static byte Inverse(byte a)
    {
        if (a == 0) throw new DivideByZeroException("0 has no inverse in GF(2^8).");
        return s_inverse[a];
    }

    public static byte Divide(byte a, byte b) => Multiply(a, Inverse(b));

    /// <summary>2^n.</summary>
    public static byte Exp(int n) => s_exp[((n % 255) + 255) % 255];

    /// <summary>
    /// The 8×8 bit matrix, packed as GFNI's <c>gf2p8affineqb</c> expects (row for result bit i in byte 7−i),
    /// for which the affine transform of x equals c·x under this field's polynomial.
    /// </summary>
    public static ulong AffineMatrix(byte c)
    {
        ulong matrix = 0;
        for (int bit = 0; bit < 8; bit++)
        {
            int row = 0;
            for (int j = 0; j < 8; j++)
                if ((Multiply(c, (byte)(1 << j)) & (1 << bit)) != 0) row |= 1 << j;
            matrix |= (ulong)row << (8 * (7 - bit));
        }
        return matrix;
    }
}
