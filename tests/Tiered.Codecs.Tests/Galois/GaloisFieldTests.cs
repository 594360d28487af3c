using System.Numerics;
using Tiered.Codecs.Galois;
using Xunit;

namespace Tiered.Codecs.Tests.Galois;

public class GaloisFieldTests
{
    /// <summary>Carry-less multiplication reduced by 0x11D, bit by bit.</summary>
    private static byte Reference(byte a, byte b)
    {
        int product = 0;
        for (int bit = 0; bit < 8; bit++)
            if ((b & (1 << bit)) != 0) product ^= a << bit;
        for (int bit = 15; bit >= 8; bit--)
            if ((product & (1 << bit)) != 0) product ^= 0x11D << (bit - 8);
        return (byte)product;
    }

    [Fact]
    public void MultiplyEqualsPolynomialArithmeticForEveryPair()
    {
        for (int a = 0; a < 256; a++)
        {
            var row = GaloisField.MultiplyRow((byte)a);
            for (int b = 0; b < 256; b++)
            {
                byte expected = Reference((byte)a, (byte)b);
                if (GaloisField.Multiply((byte)a, (byte)b) != expected || row[b] != expected)
                    Assert.Fail($"{a}·{b}: Multiply = {GaloisField.Multiply((byte)a, (byte)b)}, MultiplyRow = {row[b]}, expected {expected}");
            }
        }
    }

    [Fact]
    public void EveryNonZeroElementHasItsInverse()
    {
        for (int a = 1; a < 256; a++)
        {
            byte inverse = GaloisField.Inverse((byte)a);
            Assert.True(Reference((byte)a, inverse) == 1, $"{a}·Inverse({a}) = {Reference((byte)a, inverse)}");
            Assert.Equal((byte)a, GaloisField.Divide(1, inverse));
        }
        Assert.Throws<DivideByZeroException>(() => GaloisField.Inverse(0));
        Assert.Throws<DivideByZeroException>(() => GaloisField.Divide(7, 0));
    }

    [Fact]
    public void ExpIsPowersOfTheGenerator()
    {
        byte power = 1;
        var seen = new HashSet<byte>();
        for (int n = 0; n < 255; n++)
        {
            Assert.Equal(power, GaloisField.Exp(n));
            Assert.Equal(power, GaloisField.Exp(n + 255));
            Assert.Equal(power, GaloisField.Exp(n - 255));
            seen.Add(power);
            power = Reference(power, 2);
        }
        Assert.Equal(255, seen.Count); // 2 generates the multiplicative group
    }

    [Fact]
    public void AffineMatrixAgreesWithMultiplyForEveryPair()
    {
        for (int c = 0; c < 256; c++)
        {
            ulong matrix = GaloisField.AffineMatrix((byte)c);
            for (int x = 0; x < 256; x++)
            {
                // gf2p8affineqb: result bit i = parity(matrix byte (7 - i) AND x).
                int result = 0;
                for (int bit = 0; bit < 8; bit++)
                {
                    byte row = (byte)(matrix >> (8 * (7 - bit)));
                    result |= (BitOperations.PopCount((uint)(row & x)) & 1) << bit;
                }
                if (result != GaloisField.Multiply((byte)c, (byte)x))
                    Assert.Fail($"AffineMatrix({c}) applied to {x} gives {result}, Multiply gives {GaloisField.Multiply((byte)c, (byte)x)}");
            }
        }
    }
}
