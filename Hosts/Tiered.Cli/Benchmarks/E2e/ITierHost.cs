using System.Net;

namespace Tiered.Cli.Benchmarks.E2e;

/// <summary>Somewhere a proxy and its Local function platform run: this process, or a child process.</summary>
internal interface ITierHost : IAsyncDisposable
{
    /// <summary>Where clients reach the proxy (127.0.0.1).</summary>
    IPEndPoint ClientEndPoint { get; }

    /// <summary>Where the tier runs, for the report ("in-process", "child process 1234").</summary>
    string Description { get; }

    /// <summary>CPU time the tier's own process has used so far, when it is another process; null when it is this one.</summary>
    TimeSpan? ProcessorTime { get; }
}
