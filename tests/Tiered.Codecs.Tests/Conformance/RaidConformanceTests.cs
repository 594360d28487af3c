using Tiered.Coding;

namespace Tiered.Codecs.Tests.Conformance;

public sealed class Raid0Of1ConformanceTests : BuiltInCodecTests
{
    protected override IErasureCodec CreateCodec() => RaidCodec.Raid0(1);
}

public sealed class Raid0Of3ConformanceTests : BuiltInCodecTests
{
    protected override IErasureCodec CreateCodec() => RaidCodec.Raid0(3);
}

public sealed class Raid0Of4ConformanceTests : BuiltInCodecTests
{
    protected override IErasureCodec CreateCodec() => RaidCodec.Raid0(4);
}

public sealed class Raid4Of4ConformanceTests : BuiltInCodecTests
{
    protected override IErasureCodec CreateCodec() => RaidCodec.Raid4(4);
}

public sealed class Raid5Of3ConformanceTests : BuiltInCodecTests
{
    protected override IErasureCodec CreateCodec() => RaidCodec.Raid5(3);
}

public sealed class Raid5Of4ConformanceTests : BuiltInCodecTests
{
    protected override IErasureCodec CreateCodec() => RaidCodec.Raid5(4);
}

public sealed class Raid5Of5ConformanceTests : BuiltInCodecTests
{
    protected override IErasureCodec CreateCodec() => RaidCodec.Raid5(5);
}

public sealed class Raid6Of4ConformanceTests : BuiltInCodecTests
{
    protected override IErasureCodec CreateCodec() => RaidCodec.Raid6(4);
}

public sealed class Raid6Of6ConformanceTests : BuiltInCodecTests
{
    protected override IErasureCodec CreateCodec() => RaidCodec.Raid6(6);
}

public sealed class Raid0Of3Unit32ConformanceTests : BuiltInCodecTests
{
    protected override IErasureCodec CreateCodec() => RaidCodec.Raid0(3, 32);
}

public sealed class Raid4Of4Unit32ConformanceTests : BuiltInCodecTests
{
    protected override IErasureCodec CreateCodec() => RaidCodec.Raid4(4, 32);
}

public sealed class Raid5Of4Unit32ConformanceTests : BuiltInCodecTests
{
    protected override IErasureCodec CreateCodec() => RaidCodec.Raid5(4, 32);
}

public sealed class Raid5Of3Unit64ConformanceTests : BuiltInCodecTests
{
    protected override IErasureCodec CreateCodec() => RaidCodec.Raid5(3, 64);
}

public sealed class Raid6Of4Unit32ConformanceTests : BuiltInCodecTests
{
    protected override IErasureCodec CreateCodec() => RaidCodec.Raid6(4, 32);
}

public sealed class Raid6Of6Unit64ConformanceTests : BuiltInCodecTests
{
    protected override IErasureCodec CreateCodec() => RaidCodec.Raid6(6, 64);
}
