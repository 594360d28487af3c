using System.Diagnostics;
using System.Threading.Channels;

namespace Tiered.LambdaEmulator;

/// <summary>A function of the emulator: its resolved settings and its live instances. Mutable state is guarded by the emulator's lock.</summary>
internal sealed class EmulatedFunction(string name, string arn, int memoryMiB, TimeSpan timeout, int reservedConcurrency,
    string bootstrapPath, IReadOnlyList<string> bootstrapArguments, IReadOnlyDictionary<string, string> environment, string handler)
{
    public string Name { get; } = name;
    public string Arn { get; } = arn;
    public int MemoryMiB { get; } = memoryMiB;
    public TimeSpan Timeout { get; } = timeout;
    public int ReservedConcurrency { get; } = reservedConcurrency;
    public string BootstrapPath { get; } = bootstrapPath;
    public IReadOnlyList<string> BootstrapArguments { get; } = bootstrapArguments;
    public IReadOnlyDictionary<string, string> Environment { get; } = environment;
    public string Handler { get; } = handler;

    /// <summary>Live instances, oldest first.</summary>
    public List<EmulatedInstance> Instances { get; } = [];

    /// <summary>Idle instances; the most recently used (the last to become idle) is last.</summary>
    public List<EmulatedInstance> Idle { get; } = [];

    /// <summary>Instances starting or busy (they count against <see cref="ReservedConcurrency"/>).</summary>
    public int Active { get; set; }
}

/// <summary>One execution environment: a child process with its own Runtime API listener.</summary>
internal sealed class EmulatedInstance(EmulatedFunction function, string id, DateTimeOffset createdAt)
{
    public EmulatedFunction Function { get; } = function;
    public string Id { get; } = id;
    public DateTimeOffset CreatedAt { get; } = createdAt;

    /// <summary>Invocations routed here; the Runtime API's <c>next</c> takes them one at a time.</summary>
    public Channel<PendingInvocation> Mailbox { get; } = Channel.CreateUnbounded<PendingInvocation>(new UnboundedChannelOptions { SingleReader = false, SingleWriter = false });

    /// <summary>Completed when the process has exited and been reaped (or the instance never got a process).</summary>
    public TaskCompletionSource<LambdaInstanceExit> Exited { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Guarded by the emulator's lock.
    public LambdaInstanceState State { get; set; } = LambdaInstanceState.Starting;
    public PendingInvocation? Current { get; set; }
    public long Invocations { get; set; }
    public DateTimeOffset? LastUsedAt { get; set; }
    public LambdaInstanceExitReason? RetiredFor { get; set; }
    public bool IsRetired => RetiredFor is not null;
    public ITimer? IdleTimer { get; set; }
    public long IdleGeneration { get; set; }
    public Process? Process { get; set; }
    public int Pid { get; set; }
    public string RuntimeApi { get; set; } = "";
    public LoopbackServer? Server { get; set; }
    public long StartTimestamp { get; set; }
    public TimeSpan? InitDuration { get; set; }
    public ITimer? InitTimer { get; set; }

    /// <summary>Set once the first <c>next</c> arrived (the init phase is over).</summary>
    public bool Initialized { get; set; }

    /// <summary>The invocation whose log receives the process's output lines (the current one, or the last one).</summary>
    public InvocationLog? LogTarget { get; set; }

    /// <summary>Output lines seen while no invocation was running (the init phase); they go before START of the next invocation's log.</summary>
    public InvocationLog Spill { get; } = new();

    public LambdaInstanceInfo Snapshot() => new(Function.Name, Id, Pid, State, Invocations, CreatedAt, LastUsedAt, RuntimeApi, InitDuration);
}
