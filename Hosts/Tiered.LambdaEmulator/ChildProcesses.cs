using System.Collections.Concurrent;
using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Tiered.LambdaEmulator;

/// <summary>
/// The emulator's child processes in this process, killed when it ends: on ProcessExit, and on SIGTERM, SIGINT or
/// SIGQUIT (without cancelling the signal's own handling), so that no bootstrap outlives the test host or the CLI.
/// A child whose parent dies without any of these (SIGKILL) still goes: its Runtime API connection breaks and the
/// bootstrap exits.
/// </summary>
internal static class ChildProcesses
{
    private static readonly ConcurrentDictionary<Process, byte> Live = new();
    private static readonly Lock Gate = new();
    private static bool _hooked;
    private static readonly List<PosixSignalRegistration> Signals = [];

    public static void Add(Process process)
    {
        Hook();
        Live.TryAdd(process, 0);
    }

    public static void Remove(Process process) => Live.TryRemove(process, out _);

    /// <summary>SIGKILL (the whole tree); false when it had already exited.</summary>
    public static bool Kill(Process process)
    {
        try
        {
            if (process.HasExited) return false;
            process.Kill(entireProcessTree: true);
            return true;
        }
        catch (Exception e) when (e is InvalidOperationException or Win32Exception or NotSupportedException)
        {
            return false;
        }
    }

    private static void KillAll()
    {
        foreach (var process in Live.Keys) Kill(process);
    }

    private static void Hook()
    {
        lock (Gate)
        {
            if (_hooked) return;
            _hooked = true;
            AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAll();
            if (!OperatingSystem.IsWindows())
                foreach (var signal in new[] { PosixSignal.SIGTERM, PosixSignal.SIGINT, PosixSignal.SIGQUIT })
                    Signals.Add(PosixSignalRegistration.Create(signal, _ => KillAll())); // the signal's own handling goes on
        }
    }
}
