using System.Diagnostics.Metrics;
using Tiered.Functions;

namespace Tiered.Chaos.Tests;

/// <summary>An instance control over a made-up pool: each function always has instances (a reclaimed one is replaced by a new one), some of them busy.</summary>
internal sealed class FakeInstanceControl : IFunctionInstanceControl
{
    private readonly Lock _gate = new();
    private readonly List<FunctionInstanceInfo> _live = [];
    private int _next;

    public FakeInstanceControl(int functions, int instancesPerFunction = 1, Func<int, bool>? busy = null)
    {
        for (int f = 0; f < functions; f++)
            for (int i = 0; i < instancesPerFunction; i++)
                _live.Add(New($"fn-{f:D2}", busy?.Invoke(_next) ?? false));
    }

    public List<string> Reclaimed { get; } = [];

    private FunctionInstanceInfo New(string function, bool busy) => new(function, $"{function}/{_next++:D6}", busy);

    public IReadOnlyList<FunctionInstanceInfo> GetInstances()
    {
        lock (_gate) return [.. _live];
    }

    public bool Reclaim(string instanceId)
    {
        lock (_gate)
        {
            int index = _live.FindIndex(i => i.InstanceId == instanceId);
            if (index < 0) return false;
            var gone = _live[index];
            _live[index] = New(gone.FunctionName, gone.Busy);
            Reclaimed.Add(instanceId);
            return true;
        }
    }
}

/// <summary>A backend that records its invocations and answers at once.</summary>
internal class RecordingBackend(params string[] functions) : IFunctionBackend
{
    private readonly List<FunctionInvocation> _invocations = [];

    public string Name => "recording";
    public FunctionLimits Limits => FunctionLimits.Default;
    public IReadOnlyList<string> Functions { get; } = functions;

    public IReadOnlyList<FunctionInvocation> Invocations
    {
        get { lock (_invocations) return [.. _invocations]; }
    }

    public Task<InvocationResult> InvokeAsync(FunctionInvocation invocation, CancellationToken cancellationToken = default)
    {
        lock (_invocations) _invocations.Add(invocation);
        return Task.FromResult(new InvocationResult(invocation.FunctionName, invocation.FunctionName + "/1", false, TimeSpan.Zero, TimeSpan.Zero, 1, default, null));
    }
}

/// <summary>A recording backend that also lets its (one-per-function) instances be listed and reclaimed.</summary>
internal sealed class ControllableRecordingBackend(params string[] functions) : RecordingBackend(functions), IFunctionInstanceControl
{
    public IReadOnlyList<FunctionInstanceInfo> GetInstances() => [.. Functions.Select(f => new FunctionInstanceInfo(f, f + "/1", false))];
    public bool Reclaim(string instanceId) => Functions.Any(f => f + "/1" == instanceId);
}

/// <summary>A meter factory whose meters are scoped to it, so a listener can tell this test's measurements from other tests'.</summary>
internal sealed class ScopedMeterFactory : IMeterFactory
{
    private readonly List<Meter> _meters = [];

    public Meter Create(MeterOptions options)
    {
        var meter = new Meter(new MeterOptions(options.Name) { Version = options.Version, Tags = options.Tags, Scope = this });
        lock (_meters) _meters.Add(meter);
        return meter;
    }

    /// <summary>Sums the <c>tiered.chaos.faults</c> counter by fault kind, for measurements from this factory's meters.</summary>
    public MeterListener Listen(Dictionary<string, long> faults)
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Scope == this && instrument.Name == ChaosMetricNames.Faults) l.EnableMeasurementEvents(instrument);
            },
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            string? kind = null;
            foreach (var tag in tags)
                if (tag.Key == ChaosMetricNames.FaultTag) kind = tag.Value as string;
            lock (faults) faults[kind ?? "?"] = faults.GetValueOrDefault(kind ?? "?") + value;
        });
        listener.Start();
        return listener;
    }

    public void Dispose()
    {
        lock (_meters)
            foreach (var meter in _meters) meter.Dispose();
    }
}
