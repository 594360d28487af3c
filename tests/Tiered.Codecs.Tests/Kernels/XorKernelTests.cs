using Tiered.Codecs.Kernels;
using Xunit;

namespace Tiered.Codecs.Tests.Kernels;

public unsafe class XorKernelTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(31)]
    [InlineData(33)]
    [InlineData(255)]
    [InlineData(256)]
    [InlineData(257)]
    [InlineData(1000)]
    [InlineData(16384 + 7)]
    public void XorEqualsAByteLoop(int length)
    {
        var random = new Random(length);
        byte** pointers = stackalloc byte*[9];
        for (int count = 1; count <= 9; count++)
        {
            var inputs = Enumerable.Range(0, count).Select(_ => { var b = new byte[length + 1]; random.NextBytes(b); return b; }).ToArray();
            var expected = new byte[length];
            for (int i = 0; i < length; i++)
                foreach (var input in inputs) expected[i] ^= input[i + 1];

            var output = new byte[length + 16];
            random.NextBytes(output);
            var tail = output[length..].ToArray();
            var handles = inputs.Select(b => b.AsMemory(1).Pin()).ToArray();
            try
            {
                for (int i = 0; i < count; i++) pointers[i] = (byte*)handles[i].Pointer;
                fixed (byte* o = output) XorKernel.Xor(pointers, count, o, length);
            }
            finally
            {
                foreach (var handle in handles) handle.Dispose();
            }
            Assert.True(expected.AsSpan().SequenceEqual(output.AsSpan(0, length)), $"{count} inputs of {length} bytes: differs at byte {expected.AsSpan().CommonPrefixLength(output.AsSpan(0, length))}");
            Assert.True(tail.AsSpan().SequenceEqual(output.AsSpan(length)), $"{count} inputs of {length} bytes: wrote past the end");
        }
    }

    [Fact]
    public void XorRefusesNoInputs()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(XorNothing);
        Assert.Contains("at least one input", e.Message);
    }

    private static void XorNothing()
    {
        byte output = 0;
        XorKernel.Xor(null, 0, &output, 1);
    }
}
