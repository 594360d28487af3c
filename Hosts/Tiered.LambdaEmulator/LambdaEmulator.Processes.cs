using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Tiered.LambdaEmulator;

public sealed partial class LambdaEmulator
{
    /// <summary>Cold start: the instance's Runtime API listener, then its process; then waits for the process to end.</summary>
    private async Task LaunchAsync(EmulatedInstance instance)
    {
        var function = instance.Function;
        Process? process = null;
        try
        {
            var server = await LoopbackServer.StartAsync(0, app => MapRuntimeApi(app, instance), _stopping.Token).ConfigureAwait(false);
            string api = string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{server.Address.Port}");
            bool retired;
            lock (_gate)
            {
                instance.Server = server;
                instance.RuntimeApi = api;
                retired = instance.IsRetired;
            }
            if (retired)
            {
                await FinishExitAsync(instance, null).ConfigureAwait(false);
                return;
            }

            process = new Process { StartInfo = StartInfo(instance, api), EnableRaisingEvents = true };
            process.OutputDataReceived += (_, e) => { if (e.Data is { } line) OnOutput(instance, line); };
            process.ErrorDataReceived += (_, e) => { if (e.Data is { } line) OnOutput(instance, line); };
            process.Start();
            long started = Stopwatch.GetTimestamp();
            ChildProcesses.Add(process);
            process.StandardInput.Close();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            lock (_gate)
            {
                instance.Process = process;
                instance.Pid = process.Id;
                instance.StartTimestamp = started;
                retired = instance.IsRetired;
                if (!retired)
                    instance.InitTimer = TimeProvider.System.CreateTimer(static s => { var (e, i) = ((LambdaEmulator, EmulatedInstance))s!; e.OnInitTimeout(i); },
                        (this, instance), _options.InitTimeout, Timeout.InfiniteTimeSpan);
            }
            if (retired)
            {
                ChildProcesses.Kill(process);
            }
            else
            {
                LambdaEmulatorLog.InstanceStarted(_logger, function.Name, instance.Id, process.Id, api);
                Raise(InstanceStarted, Snapshot(instance), nameof(InstanceStarted));
            }
        }
        catch (Exception e)
        {
            if (e is not OperationCanceledException) LambdaEmulatorLog.LaunchFailed(_logger, function.Name, e);
            RetireWork? work;
            lock (_gate) work = RetireLocked(instance, LambdaInstanceExitReason.InitFailed);
            if (work is not null)
                CompleteRetire(work, p => Failure(p, "Runtime.InvalidEntrypoint", $"RequestId: {p.RequestId} Error: could not start {function.BootstrapPath}: {e.Message}", "error"));
            if (process is not null && HasStarted(process)) ChildProcesses.Kill(process);
            else
            {
                process?.Dispose();
                await FinishExitAsync(instance, null).ConfigureAwait(false);
                return;
            }
        }
        await WatchAsync(instance, process).ConfigureAwait(false);
    }

    private static bool HasStarted(Process process)
    {
        try
        {
            _ = process.Id;
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>Waits for the process to end (and its output to drain); an invocation still running fails with <c>Runtime.ExitError</c>.</summary>
    private async Task WatchAsync(EmulatedInstance instance, Process process)
    {
        try
        {
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (InvalidOperationException)
        {
        }
        int? code = null;
        try
        {
            code = process.ExitCode;
        }
        catch (InvalidOperationException)
        {
        }
        RetireWork? work;
        lock (_gate) work = RetireLocked(instance, LambdaInstanceExitReason.Exited);
        if (work is not null) CompleteRetire(work, p => Exited(p, code), kill: false);
        ChildProcesses.Remove(process);
        await FinishExitAsync(instance, code).ConfigureAwait(false);
        process.Dispose();
    }

    /// <summary>The instance is gone: stop its Runtime API, record and announce the exit.</summary>
    private async Task FinishExitAsync(EmulatedInstance instance, int? exitCode)
    {
        LoopbackServer? server;
        LambdaInstanceExitReason reason;
        int pid;
        long invocations;
        lock (_gate)
        {
            server = instance.Server;
            instance.Server = null;
            instance.InitTimer?.Dispose();
            instance.InitTimer = null;
            reason = instance.RetiredFor ?? LambdaInstanceExitReason.Exited;
            pid = instance.Pid;
            invocations = instance.Invocations;
        }
        if (server is not null)
        {
            try
            {
                await server.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or IOException)
            {
            }
        }
        var exit = new LambdaInstanceExit(instance.Function.Name, instance.Id, pid, reason, exitCode, invocations, _time.GetUtcNow());
        _usage.Exit(reason);
        LambdaEmulatorLog.InstanceExited(_logger, exit.FunctionName, exit.InstanceId, pid, reason, exitCode, invocations);
        Raise(InstanceExited, exit, nameof(InstanceExited));
        instance.Exited.TrySetResult(exit);
    }

    private LambdaInstanceInfo Snapshot(EmulatedInstance instance)
    {
        lock (_gate) return instance.Snapshot();
    }

    /// <summary>A line the process wrote: into the log of its current (or last) invocation, or of the next one during init.</summary>
    private void OnOutput(EmulatedInstance instance, string line)
    {
        (instance.LogTarget ?? instance.Spill).Append(line);
        LambdaEmulatorLog.Output(_logger, instance.Id, line);
    }

    /// <summary>The process of an execution environment: the bootstrap (a <c>.dll</c> through dotnet) with Lambda's variables.</summary>
    private ProcessStartInfo StartInfo(EmulatedInstance instance, string runtimeApi)
    {
        var function = instance.Function;
        string directory = Path.GetDirectoryName(function.BootstrapPath) ?? Environment.CurrentDirectory;
        var start = new ProcessStartInfo
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            WorkingDirectory = directory,
        };
        if (function.BootstrapPath.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
        {
            start.FileName = _dotnetHost;
            start.ArgumentList.Add(function.BootstrapPath);
        }
        else
        {
            start.FileName = function.BootstrapPath;
        }
        foreach (string argument in function.BootstrapArguments) start.ArgumentList.Add(argument);

        var environment = start.Environment;
        foreach (string key in environment.Keys.ToArray())
        {
            if (key.StartsWith("AWS_LAMBDA_", StringComparison.Ordinal) || key.StartsWith("_X_AMZN", StringComparison.Ordinal)
                || LambdaEmulatorOptions.ReservedVariables.Contains(key))
                environment.Remove(key);
        }
        environment["AWS_LAMBDA_RUNTIME_API"] = runtimeApi;
        environment["AWS_LAMBDA_FUNCTION_NAME"] = function.Name;
        environment["AWS_LAMBDA_FUNCTION_VERSION"] = "$LATEST";
        environment["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] = function.MemoryMiB.ToString(CultureInfo.InvariantCulture);
        environment["AWS_LAMBDA_LOG_GROUP_NAME"] = "/aws/lambda/" + function.Name;
        environment["AWS_LAMBDA_LOG_STREAM_NAME"] = instance.Id;
        environment["AWS_LAMBDA_INITIALIZATION_TYPE"] = "on-demand";
        environment["AWS_REGION"] = _options.Region;
        environment["AWS_DEFAULT_REGION"] = _options.Region;
        environment["AWS_EC2_METADATA_DISABLED"] = "true";
        environment["_HANDLER"] = function.Handler;
        environment["LAMBDA_TASK_ROOT"] = directory;
        environment["LAMBDA_RUNTIME_DIR"] = directory;
        environment["TZ"] = ":UTC";
        foreach (var (key, value) in function.Environment) environment[key] = value;
        return start;
    }
}

/// <summary>Finds the <c>dotnet</c> host that runs a <c>.dll</c> bootstrap: this process when it is dotnet, else the one of this runtime.</summary>
internal static class DotnetHost
{
    public static string Find()
    {
        string exe = OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet";
        if (Environment.ProcessPath is { } self && string.Equals(Path.GetFileName(self), exe, StringComparison.OrdinalIgnoreCase)) return self;
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } hostPath && File.Exists(hostPath)) return hostPath;
        // …/dotnet/shared/Microsoft.NETCore.App/10.0.x/ → …/dotnet/dotnet
        string runtime = System.Runtime.InteropServices.RuntimeEnvironment.GetRuntimeDirectory();
        var root = new DirectoryInfo(runtime.TrimEnd(Path.DirectorySeparatorChar)).Parent?.Parent?.Parent;
        if (root is not null && File.Exists(Path.Combine(root.FullName, exe))) return Path.Combine(root.FullName, exe);
        return exe;
    }
}
