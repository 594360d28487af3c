using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Tiered.Cli.Benchmarks.E2e;

/// <summary>
/// A <c>redis-server</c> child process on a free 127.0.0.1 port, started with persistence off and limits
/// large enough for 100 MiB values, ready once it answers PING. Disposing it kills the process; so does the
/// end of this process (ProcessExit, SIGTERM, SIGINT, SIGQUIT), so a benchmark interrupted by Ctrl+C or an exception leaves no
/// server behind.
/// </summary>
public sealed class RedisServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly ChildProcessReaper _reaper;
    private int _disposed;

    private RedisServerProcess(Process process, string executable, int port)
    {
        _process = process;
        Executable = executable;
        Port = port;
        _reaper = new ChildProcessReaper(Kill);
    }

    /// <summary>The redis-server binary that was started.</summary>
    public string Executable { get; }

    /// <summary>The loopback port it listens on.</summary>
    public int Port { get; }

    /// <summary>Its address (127.0.0.1:<see cref="Port"/>).</summary>
    public IPEndPoint EndPoint => new(IPAddress.Loopback, Port);

    /// <summary>The child's process id.</summary>
    public int ProcessId => _process.Id;

    /// <summary>True while the child process runs.</summary>
    public bool IsRunning
    {
        get
        {
            try { return !_process.HasExited; }
            catch (InvalidOperationException) { return false; }
        }
    }

    /// <summary>The server's version line (<c>redis-server --version</c>), or null when it cannot be read.</summary>
    public static string? Version(string executable)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(executable, "--version") { RedirectStandardOutput = true, UseShellExecute = false });
            if (process is null) return null;
            string text = process.StandardOutput.ReadToEnd().Trim();
            process.WaitForExit(5000);
            return text.Length == 0 ? null : text;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException or IOException)
        {
            return null;
        }
    }

    /// <summary>The full path of <c>redis-server</c> on the PATH (or in /usr/bin, /usr/local/bin, /usr/sbin), or null.</summary>
    public static string? FindExecutable()
    {
        var directories = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Concat(["/usr/bin", "/usr/local/bin", "/usr/sbin"]);
        foreach (string directory in directories)
        {
            string candidate = Path.Combine(directory, "redis-server");
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    /// <summary>
    /// Starts <paramref name="executable"/> (default: <see cref="FindExecutable"/>) on a free loopback port and
    /// waits until it answers PING. Throws <see cref="FileNotFoundException"/> when redis-server is not installed
    /// and <see cref="TimeoutException"/> or <see cref="InvalidOperationException"/> when it does not come up.
    /// </summary>
    public static async Task<RedisServerProcess> StartAsync(string? executable = null, TimeSpan? readyTimeout = null, CancellationToken cancellationToken = default)
    {
        executable ??= FindExecutable() ?? throw new FileNotFoundException("redis-server is not installed (not on the PATH); on Debian: apt-get install redis-server.");
        if (!File.Exists(executable)) throw new FileNotFoundException($"redis-server not found at {executable}.", executable);
        var timeout = readyTimeout ?? TimeSpan.FromSeconds(15);
        // Another process can take the port between probing and binding; then the server exits at once and we retry.
        for (int attempt = 1; ; attempt++)
        {
            int port = FreeLoopbackPort();
            var server = Launch(executable, port);
            try
            {
                await server.WaitUntilReadyAsync(timeout, cancellationToken).ConfigureAwait(false);
                return server;
            }
            catch (InvalidOperationException) when (attempt < 3 && !server.IsRunning)
            {
                await server.DisposeAsync().ConfigureAwait(false);
            }
            catch
            {
                await server.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }
    }

    private static RedisServerProcess Launch(string executable, int port)
    {
        var start = new ProcessStartInfo(executable)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (string argument in (string[])[
            "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--bind", "127.0.0.1",
            "--protected-mode", "yes",
            "--save", "",
            "--appendonly", "no",
            "--daemonize", "no",
            "--dir", Path.GetTempPath(),
            "--proto-max-bulk-len", "1gb",
            "--client-query-buffer-limit", "1gb",
            "--loglevel", "warning",
            "--logfile", ""])
        {
            start.ArgumentList.Add(argument);
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {executable}.");
        var server = new RedisServerProcess(process, executable, port);
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return server;
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) { if (_output.Length < 16_384) _output.AppendLine(line); }
    }

    private string Output()
    {
        lock (_output) return _output.ToString().Trim();
    }

    /// <summary>Sends PING over a fresh connection; true when the answer is +PONG.</summary>
    public async Task<bool> PingAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            attempt.CancelAfter(TimeSpan.FromSeconds(2));
            await socket.ConnectAsync(EndPoint, attempt.Token).ConfigureAwait(false);
            await socket.SendAsync("*1\r\n$4\r\nPING\r\n"u8.ToArray(), SocketFlags.None, attempt.Token).ConfigureAwait(false);
            var buffer = new byte[64];
            int read = 0;
            while (read < 7)
            {
                int n = await socket.ReceiveAsync(buffer.AsMemory(read), SocketFlags.None, attempt.Token).ConfigureAwait(false);
                if (n == 0) break;
                read += n;
            }
            return buffer.AsSpan(0, read).StartsWith("+PONG\r\n"u8);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or IOException)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return false;
        }
    }

    private async Task WaitUntilReadyAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!IsRunning)
            {
                await _process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
                throw new InvalidOperationException($"redis-server exited with code {_process.ExitCode} before answering PING on port {Port}: {Output()}");
            }
            if (await PingAsync(cancellationToken).ConfigureAwait(false)) return;
            if (stopwatch.Elapsed > timeout)
                throw new TimeoutException($"redis-server did not answer PING on 127.0.0.1:{Port} within {timeout.TotalSeconds:F0} s: {Output()}");
            await Task.Delay(20, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>A port that was free on 127.0.0.1 a moment ago.</summary>
    public static int FreeLoopbackPort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }

    private void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException) { }
    }

    /// <summary>Kills the server and waits for it to exit.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _reaper.Dispose();
        Kill();
        try
        {
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _process.WaitForExitAsync(wait.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or InvalidOperationException) { }
        _process.Dispose();
    }
}
