using System.Diagnostics;
using System.Net.Sockets;
using StackExchange.Redis;
using Tiered.Cli.Benchmarks.E2e;
using Xunit;

namespace Tiered.Cli.Tests;

/// <summary>The redis-server launcher behind <c>tiered bench e2e --vs-redis</c> (CI installs redis-server).</summary>
public sealed class RedisServerProcessTests
{
    [Fact]
    public void Finds_the_installed_redis_server()
    {
        string? path = RedisServerProcess.FindExecutable();
        Assert.NotNull(path);
        Assert.True(File.Exists(path));
        Assert.Contains("Redis server", RedisServerProcess.Version(path!));
    }

    [Fact]
    public async Task Starts_on_a_free_loopback_port_answers_ping_and_is_killed_on_dispose()
    {
        var server = await RedisServerProcess.StartAsync();
        int pid = server.ProcessId;
        try
        {
            Assert.Equal("127.0.0.1", server.EndPoint.Address.ToString());
            Assert.True(server.IsRunning);
            Assert.True(await server.PingAsync());
        }
        finally
        {
            await server.DisposeAsync();
        }

        Assert.False(server.IsRunning);
        Assert.Throws<ArgumentException>(() => Process.GetProcessById(pid));
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await Assert.ThrowsAsync<SocketException>(async () => await socket.ConnectAsync(server.EndPoint));
    }

    [Fact]
    public async Task Round_trips_a_100_MiB_value_with_persistence_off_and_1_GiB_limits()
    {
        await using var server = await RedisServerProcess.StartAsync();
        await using var redis = await ConnectionMultiplexer.ConnectAsync(new ConfigurationOptions
        {
            EndPoints = { server.EndPoint }, SyncTimeout = 60_000, AsyncTimeout = 60_000, AllowAdmin = true,
        });
        var db = redis.GetDatabase();
        var value = new byte[100 << 20];
        new Random(7).NextBytes(value);
        Assert.True(await db.StringSetAsync("big", value));
        using var lease = await db.StringGetLeaseAsync("big");
        Assert.NotNull(lease);
        Assert.True(lease!.Span.SequenceEqual(value));

        // Persistence is off and the limits are the ones the benchmark relies on.
        var config = (await redis.GetServer(server.EndPoint).ConfigGetAsync("*")).ToDictionary(p => p.Key, p => p.Value);
        Assert.Equal("", config["save"]);
        Assert.Equal("no", config["appendonly"]);
        Assert.Equal((1L << 30).ToString(), config["proto-max-bulk-len"]);
        Assert.Equal((1L << 30).ToString(), config["client-query-buffer-limit"]);
        Assert.Equal("127.0.0.1", config["bind"]);
    }

    [Fact]
    public async Task Two_servers_get_different_ports()
    {
        await using var first = await RedisServerProcess.StartAsync();
        await using var second = await RedisServerProcess.StartAsync();
        Assert.NotEqual(first.Port, second.Port);
        Assert.True(await first.PingAsync());
        Assert.True(await second.PingAsync());
    }

    [Fact]
    public async Task A_binary_that_is_not_redis_server_fails_with_a_clear_error_and_leaves_nothing_running()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => RedisServerProcess.StartAsync("/bin/false", TimeSpan.FromSeconds(5)));
        Assert.Contains("exited", error.Message);
    }

    [Fact]
    public async Task A_missing_binary_is_reported_as_not_found()
    {
        var error = await Assert.ThrowsAsync<FileNotFoundException>(() => RedisServerProcess.StartAsync("/nonexistent/redis-server", TimeSpan.FromSeconds(2)));
        Assert.Contains("/nonexistent/redis-server", error.Message);
    }
}
