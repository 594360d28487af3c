using System.Net.Sockets;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Tiered.Chaos.Tests;

public class ChaosRelayTests
{
    [Fact]
    public async Task ALargeStreamCrossesByteExactInBothDirections()
    {
        await using var echo = LoopbackServer.Echo();
        await using var relay = new ChaosRelay(echo.EndPoint, options: new ChaosRelayOptions { BufferSize = 16 * 1024 }).Start();
        var data = ChaosTier.RandomBytes(24 << 20, 1);

        using var client = await ConnectAsync(relay);
        var send = Task.Run(async () =>
        {
            for (int offset = 0; offset < data.Length;)
            {
                int length = Math.Min(100_003, data.Length - offset);
                offset += await client.SendAsync(data.AsMemory(offset, length), SocketFlags.None);
            }
            client.Shutdown(SocketShutdown.Send);
        });
        var back = await ReadToEndAsync(client);
        await send;

        Assert.Equal(data.Length, back.Length);
        Assert.True(data.AsSpan().SequenceEqual(back), "the bytes that came back differ from those sent");
        var counts = relay.Counts;
        Assert.Equal(data.Length, counts.ClientToUpstreamBytes);
        Assert.Equal(data.Length, counts.UpstreamToClientBytes);
        Assert.Equal(1, counts.Accepted);
        // Both ends closed: the relay let go of the connection.
        await Wait.Until(() => relay.ActiveConnections == 0, "the finished connection to be released");
    }

    [Fact]
    public async Task ABandwidthCapHoldsOnTheRelaysClock()
    {
        const long rate = 1L << 20; // 1 MiB/s from client to upstream
        var time = new FakeTimeProvider();
        await using var sink = LoopbackServer.Sink();
        await using var relay = new ChaosRelay(sink.EndPoint, new RelayFaults { ClientToUpstreamBytesPerSecond = rate }, timeProvider: time).Start();
        var data = ChaosTier.RandomBytes(16 << 20, 2);
        var start = time.GetUtcNow();

        using var client = await ConnectAsync(relay);
        var send = Task.Run(async () =>
        {
            try
            {
                for (int offset = 0; offset < data.Length;) offset += await client.SendAsync(data.AsMemory(offset), SocketFlags.None);
            }
            catch (SocketException) { } // the test closes the connection before everything was sent
        });

        // Move the relay's clock on in small steps, letting the relay catch up after each, until 2 MiB went through.
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        while (sink.Received < 2 * rate && !deadline.IsCancellationRequested)
        {
            long before = sink.Received;
            time.Advance(TimeSpan.FromMilliseconds(50));
            await Wait.Briefly(() => sink.Received > before, 500);
        }
        await Task.Delay(100); // anything the relay was about to pass
        long delivered = sink.Received;
        double seconds = (time.GetUtcNow() - start).TotalSeconds;

        Assert.True(delivered >= 2 * rate, $"only {delivered} bytes went through");
        // Never more than the cap allows over the clock's time (plus the first slice of credit)...
        Assert.True(delivered <= rate * seconds + rate / 10, $"{delivered} bytes in {seconds:0.00} s is over the {rate} B/s cap");
        // ...and of the cap's order of magnitude, not a trickle.
        Assert.True(delivered >= rate * seconds / 10, $"{delivered} bytes in {seconds:0.00} s is far under the {rate} B/s cap");
        Assert.True(delivered < data.Length);
        Assert.True(relay.Counts.ThrottleWaits > 0);
        Assert.Equal(delivered, relay.Counts.ThrottledBytes);

        // Lifting the cap lets the rest through without the clock moving.
        relay.Faults = RelayFaults.None;
        await Wait.Until(() => sink.Received == data.Length, "the rest of the stream once the cap is lifted");
        await send;
    }

    [Fact]
    public async Task ADroppedConnectionIsResetAndNeverReachesTheUpstream()
    {
        await using var sink = LoopbackServer.Sink();
        await using var relay = new ChaosRelay(sink.EndPoint, new RelayFaults { DropProbability = 1 }).Start();

        using var client = await ConnectAsync(relay);
        Assert.Empty(await ReadToEndAsync(client));
        await Wait.Until(() => relay.Counts.Dropped == 1, "the drop to be counted");
        Assert.Equal(0, sink.Connections);
        Assert.Equal(0, relay.Counts.ClientToUpstreamBytes);

        // Faults change at runtime: the next connection goes through.
        relay.Faults = RelayFaults.None;
        using var second = await ConnectAsync(relay);
        await second.SendAsync(new byte[] { 1, 2, 3 }, SocketFlags.None);
        await Wait.Until(() => sink.Received == 3, "the bytes of an undropped connection");
    }

    [Fact]
    public async Task AStalledConnectionForwardsNothingUntilTheStallEnds()
    {
        var time = new FakeTimeProvider();
        await using var sink = LoopbackServer.Sink();
        await using var relay = new ChaosRelay(sink.EndPoint, new RelayFaults { StallProbability = 1, StallDuration = TimeSpan.FromSeconds(5) }, timeProvider: time).Start();

        using var client = await ConnectAsync(relay);
        await client.SendAsync(new byte[] { 1, 2, 3, 4 }, SocketFlags.None);
        await Wait.Until(() => relay.Counts.Stalled == 1, "the stall to begin");
        Assert.False(await Wait.Briefly(() => sink.Connections > 0, 200), "a stalled connection reached the upstream before the clock moved");

        time.Advance(TimeSpan.FromSeconds(4));
        Assert.False(await Wait.Briefly(() => sink.Connections > 0, 100), "a stalled connection reached the upstream before its stall ended");
        time.Advance(TimeSpan.FromSeconds(1));
        await Wait.Until(() => sink.Received == 4, "the stalled bytes once the stall is over");
    }

    [Fact]
    public async Task ClearingTheStallReleasesStalledConnectionsAtOnce()
    {
        var time = new FakeTimeProvider();
        await using var sink = LoopbackServer.Sink();
        await using var relay = new ChaosRelay(sink.EndPoint, new RelayFaults { StallProbability = 1, StallDuration = TimeSpan.FromHours(1) }, timeProvider: time).Start();

        using var client = await ConnectAsync(relay);
        await client.SendAsync(new byte[] { 9 }, SocketFlags.None);
        await Wait.Until(() => relay.Counts.Stalled == 1, "the stall to begin");
        relay.Faults = RelayFaults.None;
        await Wait.Until(() => sink.Received == 1, "the released connection's byte");
    }

    [Fact]
    public async Task WriteLatencyRunsOnTheRelaysClock()
    {
        var time = new FakeTimeProvider();
        await using var sink = LoopbackServer.Sink();
        await using var relay = new ChaosRelay(sink.EndPoint, new RelayFaults { WriteLatency = TimeSpan.FromSeconds(1) }, timeProvider: time).Start();

        using var client = await ConnectAsync(relay);
        await Wait.Until(() => sink.Connections == 1, "the relay to dial the upstream");
        await client.SendAsync(new byte[] { 7, 7 }, SocketFlags.None);
        await Wait.Until(() => relay.Counts.DelayedWrites == 1, "the write to be held");
        Assert.False(await Wait.Briefly(() => sink.Received > 0, 200), "a delayed write arrived before the clock moved");
        time.Advance(TimeSpan.FromSeconds(1));
        await Wait.Until(() => sink.Received == 2, "the delayed write");
    }

    [Fact]
    public async Task CuttingAndDisposingCloseEverySocket()
    {
        await using var echo = LoopbackServer.Echo();
        var relay = new ChaosRelay(echo.EndPoint).Start();
        var clients = new List<Socket>();
        for (int i = 0; i < 3; i++)
        {
            var client = await ConnectAsync(relay);
            await client.SendAsync(new byte[] { (byte)i }, SocketFlags.None);
            var one = new byte[1];
            Assert.Equal(1, await client.ReceiveAsync(one, SocketFlags.None));
            clients.Add(client);
        }
        Assert.Equal(3, relay.ActiveConnections);

        Assert.Equal(3, relay.CutConnections());
        foreach (var client in clients) Assert.Empty(await ReadToEndAsync(client));
        await Wait.Until(() => relay.ActiveConnections == 0, "the cut connections to be released");
        Assert.Equal(3, relay.Counts.Cut);

        // A connection open at disposal is closed by it, and disposal waits for it.
        using var last = await ConnectAsync(relay);
        await Wait.Until(() => relay.ActiveConnections == 1, "the last connection");
        await relay.DisposeAsync();
        Assert.Equal(0, relay.ActiveConnections);
        Assert.Empty(await ReadToEndAsync(last));
        await Assert.ThrowsAnyAsync<SocketException>(async () => await ConnectAndSendAsync(relay));
        foreach (var client in clients) client.Dispose();
    }

    private static async Task<Socket> ConnectAsync(ChaosRelay relay)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(relay.EndPoint);
        return socket;
    }

    private static async Task ConnectAndSendAsync(ChaosRelay relay)
    {
        using var socket = await ConnectAsync(relay);
        await socket.SendAsync(new byte[] { 1 }, SocketFlags.None);
    }

    /// <summary>Everything until the peer closes (a reset counts as the end).</summary>
    private static async Task<byte[]> ReadToEndAsync(Socket socket)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var all = new MemoryStream();
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                int read = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
                if (read == 0) break;
                all.Write(buffer, 0, read);
            }
        }
        catch (SocketException) { }
        return all.ToArray();
    }
}
