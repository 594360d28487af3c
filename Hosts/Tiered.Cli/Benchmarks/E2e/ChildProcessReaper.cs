using System.Runtime.InteropServices;

namespace Tiered.Cli.Benchmarks.E2e;

/// <summary>
/// Kills a child process when this one ends: on normal exit (ProcessExit) and on SIGTERM, SIGINT or SIGQUIT,
/// before the runtime's (or System.CommandLine's) own handling, which may end the process without running
/// the benchmark's cleanup. Dispose it once the child has been stopped the ordinary way.
/// </summary>
internal sealed class ChildProcessReaper : IDisposable
{
    private readonly Action _kill;
    private readonly EventHandler _onExit;
    private readonly PosixSignalRegistration[] _signals;

    public ChildProcessReaper(Action kill)
    {
        _kill = kill;
        _onExit = (_, _) => _kill();
        AppDomain.CurrentDomain.ProcessExit += _onExit;
        _signals = OperatingSystem.IsWindows()
            ? []
            : [Register(PosixSignal.SIGTERM), Register(PosixSignal.SIGINT), Register(PosixSignal.SIGQUIT)];
    }

    // The handler does not cancel the signal: the process still stops as it would have, minus the orphan.
    private PosixSignalRegistration Register(PosixSignal signal) => PosixSignalRegistration.Create(signal, _ => _kill());

    public void Dispose()
    {
        AppDomain.CurrentDomain.ProcessExit -= _onExit;
        foreach (var signal in _signals) signal.Dispose();
    }
}
