using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace Tiered.Cli.Benchmarks.E2e;

/// <summary>
/// The proxy and the Local platform in a child <c>tiered</c> process (<c>bench e2e --host-tier</c>), so this
/// process holds only the client: its allocation and GC figures are the client's own. The child prints its
/// proxy's address on one line and runs until its standard input closes (or it is killed).
/// </summary>
internal sealed class ChildProcessTierHost : ITierHost
{
    /// <summary>The line prefix the child prints once its proxy listens.</summary>
    public const string ReadyPrefix = "tiered-e2e-tier-ready ";

    private readonly Process _process;
    private readonly ChildProcessReaper _reaper;
    private int _disposed;

    private ChildProcessTierHost(Process process, IPEndPoint endPoint)
    {
        _process = process;
        ClientEndPoint = endPoint;
        _reaper = new ChildProcessReaper(Kill);
    }

    public IPEndPoint ClientEndPoint { get; }

    public string Description => $"child process {_process.Id}";

    public TimeSpan? ProcessorTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    public static async Task<ChildProcessTierHost> StartAsync(TierShape shape, CancellationToken cancellationToken)
    {
        var start = SelfStartInfo();
        foreach (string argument in (string[])["bench", "e2e", "--host-tier",
            "--nodes", shape.Nodes.ToString(CultureInfo.InvariantCulture),
            "--memory-mib", shape.MemoryMiB.ToString(CultureInfo.InvariantCulture),
            "--codec", shape.Codec])
        {
            start.ArgumentList.Add(argument);
        }
        start.UseShellExecute = false;
        start.RedirectStandardInput = true;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = false;
        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {start.FileName}.");
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(30));
            while (true)
            {
                string? line = await process.StandardOutput.ReadLineAsync(timeout.Token).ConfigureAwait(false);
                if (line is null) throw new InvalidOperationException($"The tier child process exited (code {(process.HasExited ? process.ExitCode : -1)}) before its proxy listened.");
                if (!line.StartsWith(ReadyPrefix, StringComparison.Ordinal)) continue;
                var endPoint = IPEndPoint.Parse(line[ReadyPrefix.Length..].Trim());
                _ = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null, CancellationToken.None);
                return new ChildProcessTierHost(process, endPoint);
            }
        }
        catch
        {
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            process.Dispose();
            throw;
        }
    }

    /// <summary>How to run this same program again: the apphost directly, or <c>dotnet tiered.dll</c>.</summary>
    private static ProcessStartInfo SelfStartInfo()
    {
        string path = Environment.ProcessPath ?? throw new InvalidOperationException("Cannot tell which executable this process runs.");
        var start = new ProcessStartInfo(path);
        if (string.Equals(Path.GetFileNameWithoutExtension(path), "dotnet", StringComparison.OrdinalIgnoreCase))
            start.ArgumentList.Add(typeof(ChildProcessTierHost).Assembly.Location);
        return start;
    }

    /// <summary>The child's side: runs the tier, announces its address, and stops when standard input closes.</summary>
    public static async Task<int> ServeAsync(TierShape shape, CancellationToken cancellationToken)
    {
        await using var host = InProcessTierHost.Start(shape);
        Console.Out.WriteLine(ReadyPrefix + host.ClientEndPoint.ToString());
        Console.Out.Flush();
        try
        {
            await Console.In.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) { }
        return 0;
    }

    private void Kill()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception) { }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _reaper.Dispose();
        try { _process.StandardInput.Close(); } catch (Exception e) when (e is IOException or InvalidOperationException) { }
        try
        {
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _process.WaitForExitAsync(wait.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Kill();
        }
        _process.Dispose();
    }
}
