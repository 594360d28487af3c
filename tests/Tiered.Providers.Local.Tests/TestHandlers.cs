using System.Buffers.Binary;
using System.Diagnostics.Metrics;
using Tiered.Functions;

namespace Tiered.Providers.Local.Tests;

/// <summary>Counts its own invocations (state that must survive while the instance is warm).</summary>
internal sealed class CounterHandler : IFunctionHandler, IDisposable
{
    private int _count;
    private int _running;

    public int Count => Volatile.Read(ref _count);
    public bool Disposed { get; private set; }
    public bool Overlapped { get; private set; }

    public Task<ReadOnlyMemory<byte>> HandleAsync(ReadOnlyMemory<byte> payload, FunctionContext context, CancellationToken cancellationToken)
    {
        if (Interlocked.Increment(ref _running) != 1) Overlapped = true;
        var n = Interlocked.Increment(ref _count);
        Thread.SpinWait(20); // widen the window in which a second concurrent invocation would be seen
        Interlocked.Decrement(ref _running);
        return Task.FromResult<ReadOnlyMemory<byte>>(Encode(n));
    }

    public void Dispose() => Disposed = true;

    public static byte[] Encode(int n)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, n);
        return bytes;
    }

    public static int Decode(ReadOnlyMemory<byte> response) => BinaryPrimitives.ReadInt32LittleEndian(response.Span);
}

/// <summary>Runs until the test releases it (or its token is cancelled); tells the test when it started.</summary>
internal sealed class GateHandler : IFunctionHandler, IAsyncDisposable
{
    private readonly bool _ignoreCancellation;
    private TaskCompletionSource _release = NewTcs();
    private TaskCompletionSource _started = NewTcs();

    public GateHandler(bool ignoreCancellation = false) => _ignoreCancellation = ignoreCancellation;

    public Task Started => _started.Task;
    public bool SawCancellation { get; private set; }
    public bool Disposed { get; private set; }
    public int Invocations { get; private set; }

    public void Release() => _release.TrySetResult();

    public async Task<ReadOnlyMemory<byte>> HandleAsync(ReadOnlyMemory<byte> payload, FunctionContext context, CancellationToken cancellationToken)
    {
        Invocations++;
        var release = _release;
        _started.TrySetResult();
        if (_ignoreCancellation)
        {
            await release.Task;
        }
        else
        {
            try
            {
                await release.Task.WaitAsync(cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                SawCancellation = true;
                throw;
            }
        }
        _release = NewTcs();
        _started = NewTcs();
        return payload;
    }

    public ValueTask DisposeAsync()
    {
        Disposed = true;
        return ValueTask.CompletedTask;
    }

    private static TaskCompletionSource NewTcs() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>Takes a fixed amount of (fake) time.</summary>
internal sealed class DelayHandler(TimeProvider time, TimeSpan duration) : IFunctionHandler
{
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Started => _started.Task;

    public async Task<ReadOnlyMemory<byte>> HandleAsync(ReadOnlyMemory<byte> payload, FunctionContext context, CancellationToken cancellationToken)
    {
        var delay = Task.Delay(duration, time, cancellationToken); // the timer exists before the test is told to advance
        _started.TrySetResult();
        await delay;
        return payload;
    }
}

internal sealed class ThrowingHandler : IFunctionHandler
{
    public Task<ReadOnlyMemory<byte>> HandleAsync(ReadOnlyMemory<byte> payload, FunctionContext context, CancellationToken cancellationToken)
        => throw new InvalidOperationException("boom");
}

/// <summary>A meter factory whose meters are scoped to it, so parallel tests do not see each other's measurements.</summary>
internal sealed class TestMeterFactory : IMeterFactory
{
    private readonly List<Meter> _meters = [];

    public Meter Create(MeterOptions options)
    {
        var meter = new Meter(new MeterOptions(options.Name) { Version = options.Version, Tags = options.Tags, Scope = this });
        lock (_meters) _meters.Add(meter);
        return meter;
    }

    public void Dispose()
    {
        lock (_meters)
        {
            foreach (var m in _meters) m.Dispose();
            _meters.Clear();
        }
    }
}
