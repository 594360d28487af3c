using System.Diagnostics;

namespace Tiered.Cli.Benchmarks.E2e;

/// <summary>Sums the CPU time this process (and a child tier process, if any) spends inside timed operations.</summary>
internal sealed class CpuMeter(ITierHost host)
{
    private readonly Process _self = Process.GetCurrentProcess();
    private TimeSpan _selfStart, _tierStart, _selfTotal, _tierTotal;

    public void Begin()
    {
        _self.Refresh();
        _selfStart = _self.TotalProcessorTime;
        _tierStart = host.ProcessorTime ?? TimeSpan.Zero;
    }

    public void End()
    {
        _self.Refresh();
        _selfTotal += _self.TotalProcessorTime - _selfStart;
        if (host.ProcessorTime is { } tier) _tierTotal += tier - _tierStart;
    }

    public TieredCpu PerOperation(int operations) => new(
        _selfTotal.TotalMilliseconds / operations,
        host.ProcessorTime is null ? null : _tierTotal.TotalMilliseconds / operations);
}
