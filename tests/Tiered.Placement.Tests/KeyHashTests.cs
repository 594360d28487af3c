using System.Text;
using Xunit;

namespace Tiered.Placement.Tests;

public class KeyHashTests
{
    [Fact]
    public void EmptyInputHasTheXxHash3ReferenceValue() =>
        // XXH3_64bits("", 0) from the xxHash reference implementation.
        Assert.Equal(0x2D06800538D394C2UL, KeyHash.Of(ReadOnlySpan<byte>.Empty));

    [Theory]
    [InlineData("key-123456")]
    [InlineData("")]
    [InlineData("ключ-ü-键-🔑")]
    public void StringsHashAsTheirUtf8Bytes(string key) => Assert.Equal(KeyHash.Of(Encoding.UTF8.GetBytes(key)), KeyHash.Of(key));

    [Fact]
    public void LongStringsTakeThePooledPathAndHashTheSame()
    {
        string key = string.Concat(Enumerable.Repeat("é-long-key-", 400));
        Assert.Equal(KeyHash.Of(Encoding.UTF8.GetBytes(key)), KeyHash.Of(key));
    }

    [Fact]
    public void StringAndSpanLookupsAgree()
    {
        var placement = new RendezvousPlacement<string>();
        placement.AddRange(Enumerable.Range(0, 9).Select(i => $"node-{i}"));
        for (int k = 0; k < 1000; k++)
        {
            string key = $"key-{k}";
            Assert.Equal(placement.Locate(key), placement.Locate(Encoding.UTF8.GetBytes(key)));
            Assert.Equal(placement.Locate(key), placement.Locate(KeyHash.Of(key)));
        }
    }

    [Fact]
    public void UnitIntervalIsOpen()
    {
        Assert.InRange(KeyHash.ToUnitInterval(0), double.Epsilon, 1e-15);
        Assert.True(KeyHash.ToUnitInterval(ulong.MaxValue) < 1.0);
        Assert.True(Math.Log(KeyHash.ToUnitInterval(ulong.MaxValue)) < 0);
    }
}
