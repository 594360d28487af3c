using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Tiered.Client;
using Tiered.Providers.Local;
using Xunit;

namespace Tiered.Hosting.Tests;

/// <summary>Stopping the host lets requests in flight finish, refuses new ones, closes the proxy and returns the nodes.</summary>
public sealed class ShutdownTests
{
    [Fact]
    public async Task An_in_flight_10_MiB_get_finishes_when_the_host_stops()
    {
        using var host = TestHosts.FromJson(TestHosts.SmallTierJson);
        await host.StartAsync(TestHosts.Timeout());
        var runtime = host.Runtime();
        var tier = host.Services.GetRequiredService<ITier>();
        var value = TestHosts.RandomBytes(10 << 20, 10);
        await tier.PutAsync("ten", value, TestHosts.Timeout());
        var endPoint = runtime.ClientEndPoint;
        var platform = (LocalFunctionPlatform)runtime.Backend;

        var get = Task.Run(async () => await tier.GetAsync("ten", TestHosts.Timeout()));
        while (runtime.InFlightRequests == 0 && !get.IsCompleted) await Task.Yield();
        var stop = host.StopAsync(TestHosts.Timeout());

        using (var got = await get)
        {
            Assert.NotNull(got);
            Assert.True(got!.Span.SequenceEqual(value));
        }
        await stop;

        Assert.Equal(TieredRuntimeState.Stopped, runtime.State);
        await Assert.ThrowsAsync<TierException>(async () => await tier.GetAsync("ten", TestHosts.Timeout()));
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await Assert.ThrowsAsync<SocketException>(async () => await socket.ConnectAsync(endPoint));
        // The nodes' invocations returned when the proxy closed their connections: nothing is running any more.
        Assert.All(platform.GetFunctions(), f => Assert.Equal(0, f.ActiveCount));
    }

    [Fact]
    public async Task A_remote_clients_get_in_flight_finishes_before_the_proxy_closes_and_later_requests_are_refused()
    {
        using var host = TestHosts.FromJson(TestHosts.SmallTierJson);
        await host.StartAsync(TestHosts.Timeout());
        var runtime = host.Runtime();
        var value = TestHosts.RandomBytes(10 << 20, 11);
        var remote = new TierClient(new TierClientOptions { Proxies = [runtime.ClientEndPoint] }, runtime.Codec);
        await remote.PutAsync("r", value, TestHosts.Timeout());

        // Not an in-process request: the proxy's own drain waits for it once the proxy is serving it.
        var proxy = runtime.Proxy;
        var get = remote.GetAsync("r", TestHosts.Timeout()).AsTask();
        using (var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
            while (proxy.InFlightRequests == 0 && !get.IsCompleted) await Task.Delay(5, deadline.Token);
        var stop = host.StopAsync(TestHosts.Timeout());
        using (var got = await get) Assert.True(got!.Span.SequenceEqual(value));
        await stop;

        Assert.Equal(TieredRuntimeState.Stopped, runtime.State);
        await Assert.ThrowsAsync<TierException>(async () => await remote.GetAsync("r", TestHosts.Timeout()));
        await remote.DisposeAsync();
    }
}
