using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Xunit;

namespace Tiered.Hosting.Tests;

/// <summary>A bad composition fails at host start with a message naming the configuration key.</summary>
public sealed class ValidationTests
{
    [Theory]
    [InlineData("""{ "Tiered": { "Codec": { "Kind": "rs2" } } }""", "Tiered:Codec:Kind 'rs2' is not a known codec (known: rs, replication, raid0")]
    [InlineData("""{ "Tiered": { "Placement": { "Kind": "spiral" } } }""", "Tiered:Placement:Kind 'spiral' is not a known placement (known: modulo, ring, vnodes, rendezvous")]
    [InlineData("""{ "Tiered": { "Backend": { "Kind": "aws-lambda" } } }""", "Tiered:Backend:Kind 'aws-lambda' is not a known backend (known: local)")]
    [InlineData("""{ "Tiered": { "Codec": { "Kind": "rs", "DataShards": 250, "ParityShards": 10 } } }""", "Tiered:Codec: Tiered:Codec:DataShards (250) + Tiered:Codec:ParityShards (10) = 260 shards, more than the 256")]
    [InlineData("""{ "Tiered": { "Codec": { "Kind": "raid6", "DataShards": 255 } } }""", "= 257 shards, more than the 256")]
    [InlineData("""{ "Tiered": { "Codec": { "Kind": "rs", "DataShards": 10 } } }""", "Tiered:Codec:ParityShards is required for the rs codec")]
    [InlineData("""{ "Tiered": { "Codec": { "Kind": "raid5", "DataShards": 4, "StripeUnit": -64 } } }""", "Tiered:Codec:StripeUnit must be at least 1 (was -64)")]
    [InlineData("""{ "Tiered": { "Codec": { "Kind": "rs", "DataShards": -1, "ParityShards": 2 } } }""", "Tiered:Codec:DataShards must be at least 1 (was -1)")]
    [InlineData("""{ "Tiered": { "Proxy": { "PoolMemoryBytes": -1 } } }""", "Tiered:Proxy:PoolMemoryBytes must not be negative (was -1)")]
    [InlineData("""{ "Tiered": { "Proxy": { "MaxObjectBytes": -5 } } }""", "Tiered:Proxy:MaxObjectBytes must be positive (was -5)")]
    [InlineData("""{ "Tiered": { "Proxy": { "ClientPort": 70000 } } }""", "Tiered:Proxy:ClientPort must be a port number from 0 to 65535 (was 70000)")]
    [InlineData("""{ "Tiered": { "Proxy": { "Host": "not-an-address" } } }""", "Tiered:Proxy:Host 'not-an-address' is not an IP address")]
    [InlineData("""{ "Tiered": { "Proxy": { "Host": "" } } }""", "Tiered:Proxy:Host is required")]
    [InlineData("""{ "Tiered": { "Backend": { "Local": { "MemoryMiB": -5 } } } }""", "Tiered:Backend:Local:MemoryMiB must be positive (was -5)")]
    [InlineData("""{ "Tiered": { "Codec": { "Kind": "rs", "DataShards": 4, "Parity": 2 } } }""", "Tiered:Codec:Parity is not a known setting (known under Tiered:Codec: Kind, DataShards, ParityShards")]
    [InlineData("""{ "Tiered": { "Proxi": { "ClientPort": 1 } } }""", "Tiered:Proxi is not a known setting (known under Tiered: Codec, Placement, Backend, Proxy, Client, Resp)")]
    [InlineData("""{ "Tiered": { "Backend": { "Local": { "FunctionCnt": 3 } } } }""", "Tiered:Backend:Local:FunctionCnt is not a known setting")]
    [InlineData("""{ "Tiered": { "Backend": { "AwsLambda": { "Region": "x" } } } }""", "Tiered:Backend:AwsLambda is not a known setting (known under Tiered:Backend: Kind, Local)")]
    [InlineData("""{ "Tiered": { "Resp": { "Enabled": true, "Port": 6380 } } }""", "Tiered:Resp:Port 6380 is already the proxy's Tiered:Proxy:ClientPort")]
    [InlineData("""{ "Tiered": { "Proxy": { "ChunkTimeout": "-00:00:01" } } }""", "Tiered:Proxy:ChunkTimeout must be positive")]
    public async Task A_bad_configuration_fails_startup_naming_the_key(string json, string expected)
    {
        using var host = TestHosts.FromJson(json);
        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestHosts.Timeout()));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public async Task Every_problem_is_reported_at_once()
    {
        using var host = TestHosts.FromJson("""{ "Tiered": { "Codec": { "Kind": "rs2" }, "Placement": { "Kind": "spiral" }, "Backend": { "Kind": "gcp" }, "Typo": 1 } }""");
        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestHosts.Timeout()));
        Assert.Contains("Tiered:Codec:Kind 'rs2'", e.Message);
        Assert.Contains("Tiered:Placement:Kind 'spiral'", e.Message);
        Assert.Contains("Tiered:Backend:Kind 'gcp'", e.Message);
        Assert.Contains("Tiered:Typo is not a known setting", e.Message);
    }

    [Fact]
    public async Task Names_given_in_code_are_validated_at_start_too()
    {
        using var host = TestHosts.InCode(tier => tier.UseCodec("rs2(4,2)").UsePlacement("spiral").UseBackend("azure"));
        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestHosts.Timeout()));
        Assert.Contains("Tiered:Codec:Kind 'rs2' is not a known codec", e.Message);
        Assert.Contains("Tiered:Placement:Kind 'spiral' is not a known placement", e.Message);
        Assert.Contains("Tiered:Backend:Kind 'azure' is not a known backend", e.Message);
    }

    [Fact]
    public void Malformed_names_in_code_throw_at_once()
    {
        Assert.Throws<ArgumentException>(() => TestHosts.InCode(tier => tier.UseCodec("rs(10,x)")));
        Assert.Throws<ArgumentException>(() => TestHosts.InCode(tier => tier.UseCodec("rs(10,2")));
        Assert.Throws<ArgumentException>(() => TestHosts.InCode(tier => tier.UsePlacement("rendezvous(3)")));
    }

    [Fact]
    public async Task More_shards_than_functions_fails_startup_naming_codec_and_backend()
    {
        using var host = TestHosts.InCode(tier => tier.UseReedSolomon(10, 2).UseLocalFunctions(o => o.FunctionCount = 6)
            .ConfigureProxy(p => { p.ClientPort = 0; p.NodePort = 0; }));
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync(TestHosts.Timeout()));
        Assert.Contains("Tiered:Codec rs(10,2) puts each object on 12 distinct nodes", e.Message);
        Assert.Contains("only 6 functions", e.Message);
    }

    [Fact]
    public async Task Sections_declared_by_other_packages_are_accepted()
    {
        string json = """{ "Tiered": { "Proxy": { "ClientPort": 0, "NodePort": 0 }, "Resp": { "Enabled": false, "MaxClients": 10 }, "Extra": { "Anything": 1 } } }""";
        using var host = TestHosts.FromJson(json, tier => tier.AllowConfigurationSection("Resp", typeof(MoreResp)).AllowConfigurationSection("Extra", null));
        await host.StartAsync(TestHosts.Timeout());
        await host.StopAsync(TestHosts.Timeout());
    }

    private sealed class MoreResp
    {
        public int MaxClients { get; set; }
    }
}
