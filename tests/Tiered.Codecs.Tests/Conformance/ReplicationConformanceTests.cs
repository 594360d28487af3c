using Tiered.Coding;

namespace Tiered.Codecs.Tests.Conformance;

public sealed class Replication1ConformanceTests : BuiltInCodecTests
{
    protected override IErasureCodec CreateCodec() => new ReplicationCodec(1);
}

public sealed class Replication2ConformanceTests : BuiltInCodecTests
{
    protected override IErasureCodec CreateCodec() => new ReplicationCodec(2);
}

public sealed class Replication3ConformanceTests : BuiltInCodecTests
{
    protected override IErasureCodec CreateCodec() => new ReplicationCodec(3);
}

public sealed class Raid1Of2ConformanceTests : BuiltInCodecTests
{
    protected override IErasureCodec CreateCodec() => ReplicationCodec.Raid1(2);
}
