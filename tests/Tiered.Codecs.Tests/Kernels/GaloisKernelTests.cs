using Tiered.Codecs.Kernels;
using Xunit;

namespace Tiered.Codecs.Tests.Kernels;

/// <summary>Every kernel this CPU runs computes exactly what the scalar reference computes.</summary>
public class GaloisKernelTests
{
    private const int Guard = 80;

    public static TheoryData<int> Lengths() => new(0, 1, 15, 63, 64, 65, 1000, 16384 + 7, 100_000);

    [Theory]
    [MemberData(nameof(Lengths))]
    public void EveryKernelEqualsScalar(int length)
    {
        // Every shape for short lengths; for long ones a spread of shapes (the reference is slow).
        var rowCounts = length <= 1000 ? Enumerable.Range(1, 9) : [1, 2, 3, 4, 5, 8, 9];
        var columnCounts = length <= 1000 ? Enumerable.Range(1, 20) : [1, 2, 7, 10, 20];
        var random = new Random(length);
        foreach (int rows in rowCounts)
            foreach (int columns in columnCounts)
                CompareKernels(random, rows, columns, length);
    }

    [Fact]
    public void AvailableStartsWithBestAndEndsWithScalar()
    {
        Assert.Contains(GaloisKernel.Scalar, GaloisKernel.Available);
        Assert.Same(GaloisKernel.Scalar, GaloisKernel.Available[^1]);
        Assert.All(GaloisKernel.Available, k => Assert.True(k.IsSupported, k.Name));
        Assert.Contains(GaloisKernel.Best, GaloisKernel.Available);
    }

    [Fact]
    public void UnsupportedKernelsRefuseToPrepare()
    {
        foreach (var kernel in GaloisKernel.All.Where(k => !k.IsSupported))
            Assert.Throws<PlatformNotSupportedException>(() => kernel.Prepare([1], 1, 1));
    }

    [Fact]
    public void FromNameFindsEveryKernelAndNamesTheKnownOnes()
    {
        foreach (var kernel in GaloisKernel.All) Assert.Same(kernel, GaloisKernel.FromName(kernel.Name.ToUpperInvariant()));
        var e = Assert.Throws<ArgumentException>(() => GaloisKernel.FromName("sse9"));
        Assert.Contains("sse9", e.Message);
        Assert.Contains("scalar", e.Message);
    }

    [Fact]
    public void MultiplyRefusesMismatchedArguments()
    {
        var kernel = GaloisKernel.Scalar;
        var matrix = kernel.Prepare([1, 2, 3, 4], 2, 2);
        var inputs = new ReadOnlyMemory<byte>[] { new byte[8], new byte[8] };
        Assert.Contains("columns", Assert.Throws<ArgumentException>(() => kernel.Multiply(matrix, inputs[..1], [new byte[8], new byte[8]])).Message);
        Assert.Contains("rows", Assert.Throws<ArgumentException>(() => kernel.Multiply(matrix, inputs, [new byte[8]])).Message);
        Assert.Contains("same length", Assert.Throws<ArgumentException>(() => kernel.Multiply(matrix, [new byte[8], new byte[9]], [new byte[8], new byte[8]])).Message);
        Assert.Contains("cannot hold", Assert.Throws<ArgumentException>(() => kernel.Multiply(matrix, inputs, [new byte[8], new byte[7]])).Message);
        Assert.Throws<ArgumentException>(() => kernel.Prepare([1, 2, 3], 2, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => kernel.Prepare([], 0, 2));
    }

    private static void CompareKernels(Random random, int rows, int columns, int length)
    {
        var coefficients = new byte[rows * columns];
        for (int i = 0; i < coefficients.Length; i++)
            coefficients[i] = (random.Next(4)) switch { 0 => 0, 1 => 1, _ => (byte)random.Next(256) };
        // Make sure 0 and 1 both appear whenever there is room for them.
        coefficients[0] = 1;
        if (coefficients.Length > 1) coefficients[^1] = 0;

        // Inputs start at odd offsets inside larger arrays, so kernels meet unaligned addresses.
        var inputs = new ReadOnlyMemory<byte>[columns];
        for (int c = 0; c < columns; c++)
        {
            var buffer = new byte[length + 3];
            random.NextBytes(buffer);
            inputs[c] = buffer.AsMemory(c % 3, length);
        }

        var expected = Run(GaloisKernel.Scalar, coefficients, rows, columns, inputs, length, random.Next());
        foreach (var kernel in GaloisKernel.Available)
        {
            var actual = Run(kernel, coefficients, rows, columns, inputs, length, random.Next());
            for (int r = 0; r < rows; r++)
            {
                int at = expected[r].AsSpan(1, length).CommonPrefixLength(actual[r].AsSpan(1, length));
                Assert.True(at == length, $"{kernel.Name}, {rows}×{columns} matrix, {length} bytes: output {r} differs from scalar at byte {at}");
            }
        }
    }

    /// <summary>Outputs sit at offset 1 in a buffer of garbage; the bytes around them must stay as they were.</summary>
    private static byte[][] Run(GaloisKernel kernel, byte[] coefficients, int rows, int columns, ReadOnlyMemory<byte>[] inputs, int length, int seed)
    {
        var random = new Random(seed);
        var buffers = new byte[rows][];
        var outputs = new Memory<byte>[rows];
        for (int r = 0; r < rows; r++)
        {
            buffers[r] = new byte[length + 1 + Guard];
            random.NextBytes(buffers[r]);
            outputs[r] = buffers[r].AsMemory(1, length);
        }
        var guards = buffers.Select(b => (b[0], b[(length + 1)..].ToArray())).ToArray();
        kernel.Multiply(kernel.Prepare(coefficients, rows, columns), inputs, outputs);
        for (int r = 0; r < rows; r++)
        {
            Assert.True(guards[r].Item1 == buffers[r][0], $"{kernel.Name}: wrote before output {r}");
            Assert.True(guards[r].Item2.AsSpan().SequenceEqual(buffers[r].AsSpan(length + 1)), $"{kernel.Name}, {rows}×{columns}, {length} bytes: wrote past the end of output {r}");
        }
        return buffers;
    }
}
