using Tiered.Codecs.Conformance;
using Tiered.Coding;

namespace Tiered.Codecs.Tests.Conformance;

public sealed class Rs1x1ConformanceTests : BuiltInCodecTests
{
    protected override IErasureCodec CreateCodec() => new ReedSolomonCodec(1, 1);
}

public sealed class Rs2x1ConformanceTests : BuiltInCodecTests
{
    protected override IErasureCodec CreateCodec() => new ReedSolomonCodec(2, 1);
}

public sealed class Rs4x2ConformanceTests : BuiltInCodecTests
{
    protected override IErasureCodec CreateCodec() => new ReedSolomonCodec(4, 2);
}

public sealed class Rs6x3ConformanceTests : BuiltInCodecTests
{
    protected override IErasureCodec CreateCodec() => new ReedSolomonCodec(6, 3);
}

public sealed class Rs10x2ConformanceTests : BuiltInCodecTests
{
    protected override IErasureCodec CreateCodec() => new ReedSolomonCodec(10, 2);
}

public sealed class Rs10x4ConformanceTests : BuiltInCodecTests
{
    protected override IErasureCodec CreateCodec() => new ReedSolomonCodec(10, 4);
}

public sealed class Rs12x4ConformanceTests : BuiltInCodecTests
{
    protected override IErasureCodec CreateCodec() => new ReedSolomonCodec(12, 4);
}

public sealed class Rs17x3ConformanceTests : BuiltInCodecTests
{
    protected override IErasureCodec CreateCodec() => new ReedSolomonCodec(17, 3);
}

/// <summary>A very wide code: k+r = 256, the most GF(2^8) allows. Every pattern needs a 200×200 inversion, so fewer are sampled.</summary>
public sealed class Rs200x56ConformanceTests : BuiltInCodecTests
{
    protected override IErasureCodec CreateCodec() => new ReedSolomonCodec(200, 56);

    protected override ConformanceOptions CreateOptions()
    {
        var options = base.CreateOptions();
        options.SampledPatterns = 6;
        options.LargeObjectLength = 1 << 20;
        options.Threads = 4;
        options.RoundsPerThread = 2;
        return options;
    }
}
