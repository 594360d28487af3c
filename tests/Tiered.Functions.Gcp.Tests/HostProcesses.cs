using System.Collections.Concurrent;
using System.ComponentModel;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

[assembly: CollectionBehavior(DisableTestParallelization = true)] // the tests start real processes; one at a time on a small machine

namespace Tiered.Functions.Gcp.Tests;

/// <summary>Hang guards (real time, generous: the machine is slow); never timing assertions.</summary>
internal static class Patience
{
    public static readonly TimeSpan Step = TimeSpan.FromMinutes(2);

    public static CancellationToken Token() => new CancellationTokenSource(Step).Token;
}

/// <summary>
/// One real process of the GCP function host (<c>dotnet Tiered.Functions.Gcp.dll</c> from the test output directory) on a
/// loopback port, as Cloud Run runs one instance of a service: <c>PORT</c>, <c>K_SERVICE</c> and the <c>TIERED_*</c> variables set.
/// <see cref="RestartAsync"/> kills it and starts a new process on the same port (a new instance, empty memory). Killed on dispose,
/// and when the test process exits.
/// </summary>
internal sealed partial class HostProcess : IAsyncDisposable
{
    private static readonly ConcurrentDictionary<Process, byte> Live = new();
    private static int _hooked;

    private readonly Dictionary<string, string> _environment;
    private Process? _process;

    private HostProcess(string functionName, int port, Dictionary<string, string> environment)
    {
        FunctionName = functionName;
        Port = port;
        _environment = environment;
    }

    /// <summary>The host, next to the tests (the test project references the host project, which copies it here).</summary>
    public static string HostDll
    {
        get
        {
            string path = Path.Combine(AppContext.BaseDirectory, "Tiered.Functions.Gcp.dll");
            return File.Exists(path) && File.Exists(Path.ChangeExtension(path, ".runtimeconfig.json"))
                ? path : throw new FileNotFoundException($"{path} (with its runtimeconfig.json) was not built next to the tests.", path);
        }
    }

    public string FunctionName { get; }
    public int Port { get; }
    public Uri Url => new($"http://127.0.0.1:{Port}/");

    /// <summary>The instance id the running process reported on /healthz.</summary>
    public string InstanceId { get; private set; } = "";

    /// <summary>The process id of the running instance.</summary>
    public int ProcessId => _process?.Id ?? 0;

    /// <summary>Every stdout and stderr line of every process of this function, in order.</summary>
    public ConcurrentQueue<string> Output { get; } = new();

    /// <summary>How many processes this function has had.</summary>
    public int Starts { get; private set; }

    public static async Task<HostProcess> StartAsync(string functionName, IReadOnlyDictionary<string, string>? environment = null, int? port = null)
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["K_SERVICE"] = functionName,
            ["K_REVISION"] = functionName + "-00001-abc",
            ["TIERED_LISTEN_HOST"] = "127.0.0.1",
            ["TIERED_MEMORY_MIB"] = "256",
            ["TIERED_REQUEST_TIMEOUT"] = "10m",
        };
        if (environment is not null) foreach (var (key, value) in environment) variables[key] = value;
        var host = new HostProcess(functionName, port ?? FreePort(), variables);
        await host.StartProcessAsync().ConfigureAwait(false);
        return host;
    }

    /// <summary>Kills the process (SIGKILL: the instance and its memory are gone) and starts a new one on the same port.</summary>
    public async Task RestartAsync()
    {
        Kill();
        await StartProcessAsync().ConfigureAwait(false);
    }

    /// <summary>SIGKILL, no restart.</summary>
    public void Kill()
    {
        if (_process is not { } process) return;
        try
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            process.WaitForExit(TimeSpan.FromSeconds(30));
        }
        catch (Exception e) when (e is InvalidOperationException or Win32Exception or NotSupportedException)
        {
        }
        Live.TryRemove(process, out _);
    }

    /// <summary>Sends SIGTERM (what Cloud Run sends before stopping an instance).</summary>
    public void Terminate()
    {
        if (_process is { HasExited: false } process && SysKill(process.Id, 15) != 0)
            throw new InvalidOperationException($"kill(SIGTERM) failed: errno {Marshal.GetLastPInvokeError()}");
    }

    /// <summary>Waits for the process to exit and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync()
    {
        var process = _process ?? throw new InvalidOperationException("Not started.");
        await process.WaitForExitAsync(Patience.Token()).ConfigureAwait(false);
        process.WaitForExit();   // drain the output readers
        Live.TryRemove(process, out _);
        return process.ExitCode;
    }

    public bool HasExited => _process?.HasExited ?? true;

    public ValueTask DisposeAsync()
    {
        Kill();
        _process?.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task StartProcessAsync()
    {
        Hook();
        for (int attempt = 1; ; attempt++)
        {
            var start = new ProcessStartInfo
            {
                FileName = DotnetHost(),
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                StandardOutputEncoding = Encoding.UTF8,
                StandardErrorEncoding = Encoding.UTF8,
                WorkingDirectory = AppContext.BaseDirectory,
            };
            start.ArgumentList.Add(HostDll);
            foreach (string key in start.Environment.Keys.Where(k => k.StartsWith("ASPNETCORE_", StringComparison.Ordinal) || k.StartsWith("TIERED_", StringComparison.Ordinal)).ToArray())
                start.Environment.Remove(key);
            foreach (var (key, value) in _environment) start.Environment[key] = value;
            start.Environment["PORT"] = Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

            var process = new Process { StartInfo = start, EnableRaisingEvents = true };
            process.OutputDataReceived += (_, e) => { if (e.Data is not null) Output.Enqueue(e.Data); };
            process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Output.Enqueue("stderr: " + e.Data); };
            process.Start();
            Live.TryAdd(process, 0);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            _process = process;
            Starts++;

            if (await WaitHealthyAsync(process).ConfigureAwait(false)) return;
            // The port may still be held by the killed process's sockets for a moment: try again.
            Kill();
            if (attempt == 5)
                throw new InvalidOperationException($"The host for {FunctionName} did not become healthy on port {Port} after {attempt} starts. Output:\n{string.Join('\n', Output.TakeLast(40))}");
            await Task.Delay(TimeSpan.FromSeconds(attempt)).ConfigureAwait(false);
        }
    }

    private async Task<bool> WaitHealthyAsync(Process process)
    {
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(10) };
        var until = DateTime.UtcNow + Patience.Step;
        while (DateTime.UtcNow < until)
        {
            if (process.HasExited) return false;
            try
            {
                using var response = await http.GetAsync(new Uri(Url, "healthz")).ConfigureAwait(false);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    using var health = JsonDocument.Parse(await response.Content.ReadAsStringAsync().ConfigureAwait(false));
                    InstanceId = health.RootElement.GetProperty("instanceId").GetString()!;
                    return true;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }
            await Task.Delay(100).ConfigureAwait(false);
        }
        return false;
    }

    /// <summary>The instance's /healthz answer.</summary>
    public async Task<JsonElement> HealthAsync()
    {
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = Patience.Step };
        using var health = JsonDocument.Parse(await http.GetStringAsync(new Uri(Url, "healthz")).ConfigureAwait(false));
        return health.RootElement.Clone();
    }

    public static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    private static void Hook()
    {
        if (Interlocked.Exchange(ref _hooked, 1) != 0) return;
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            foreach (var process in Live.Keys)
            {
                try { if (!process.HasExited) process.Kill(entireProcessTree: true); }
                catch (Exception e) when (e is InvalidOperationException or Win32Exception or NotSupportedException) { }
            }
        };
    }

    /// <summary>The dotnet host running these tests (the same runtime runs the function host).</summary>
    private static string DotnetHost()
    {
        string exe = OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet";
        if (Environment.ProcessPath is { } self && string.Equals(Path.GetFileName(self), exe, StringComparison.OrdinalIgnoreCase)) return self;
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } hostPath && File.Exists(hostPath)) return hostPath;
        string runtime = RuntimeEnvironment.GetRuntimeDirectory();
        var root = new DirectoryInfo(runtime.TrimEnd(Path.DirectorySeparatorChar)).Parent?.Parent?.Parent;
        if (root is not null && File.Exists(Path.Combine(root.FullName, exe))) return Path.Combine(root.FullName, exe);
        return exe;
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SysKill(int pid, int signal);
}
