namespace Tiered.Codecs.Kernels;

/// <summary>A set of up to 256 block or shard indices, usable as a dictionary key.</summary>
internal struct BlockMask : IEquatable<BlockMask>
{
    private ulong _w0, _w1, _w2, _w3;

    public void Set(int index)
    {
        ulong bit = 1UL << (index & 63);
        switch (index >> 6)
        {
            case 0: _w0 |= bit; break;
            case 1: _w1 |= bit; break;
            case 2: _w2 |= bit; break;
            default: _w3 |= bit; break;
        }
    }

    public readonly bool Contains(int index)
    {
        ulong word = (index >> 6) switch { 0 => _w0, 1 => _w1, 2 => _w2, _ => _w3 };
        return (word & (1UL << (index & 63))) != 0;
    }

    public readonly bool IsEmpty => (_w0 | _w1 | _w2 | _w3) == 0;

    public readonly bool Equals(BlockMask other) => _w0 == other._w0 && _w1 == other._w1 && _w2 == other._w2 && _w3 == other._w3;
    public override readonly bool Equals(object? obj) => obj is BlockMask other && Equals(other);
    public override readonly int GetHashCode() => HashCode.Combine(_w0, _w1, _w2, _w3);
}
