using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace Tiered.Functions.Lambda;

/// <summary>
/// The custom runtime's loop: fetch the next invocation from the Runtime API, run the handler with a
/// <see cref="FunctionContext"/> built from it, post the result (or the error, and carry on), until cancelled.
/// The handler object lives as long as the loop, so what it holds survives between invocations of a warm instance.
/// </summary>
/// <param name="client">The Runtime API.</param>
/// <param name="handler">The function (one object for the whole execution environment).</param>
/// <param name="environment">The execution environment's settings.</param>
/// <param name="output">Where the one line per invocation goes (Lambda sends stdout to CloudWatch Logs).</param>
/// <param name="errors">Where failures are reported (stderr).</param>
public sealed class LambdaBootstrap(RuntimeApiClient client, IFunctionHandler handler, RuntimeEnvironment environment, TextWriter output, TextWriter errors)
{
    /// <summary>The request id of the invocation running on this async flow (for log lines).</summary>
    internal static readonly AsyncLocal<string?> CurrentRequestId = new();

    /// <summary>
    /// Runs a whole custom runtime process: reads the environment, creates the handler, loops until SIGTERM or SIGINT.
    /// An initialization failure is reported to <c>/runtime/init/error</c> when the Runtime API is known, and on stderr.
    /// </summary>
    /// <param name="createHandler">Creates the function once the environment has been read (it may throw: that is an init error).</param>
    /// <returns>The process exit code: 0 after a shutdown signal, 1 when initialization or the Runtime API failed.</returns>
    public static async Task<int> RunProcessAsync(Func<RuntimeEnvironment, IFunctionHandler> createHandler)
    {
        ArgumentNullException.ThrowIfNull(createHandler);
        using var shutdown = new CancellationTokenSource();
        var signals = OperatingSystem.IsWindows()
            ? []
            : new[] { PosixSignal.SIGTERM, PosixSignal.SIGINT }.Select(s => PosixSignalRegistration.Create(s, context =>
            {
                context.Cancel = true; // we exit by ourselves, promptly
                shutdown.Cancel();
            })).ToArray();
        try
        {
            return await RunProcessAsync(createHandler, Environment.GetEnvironmentVariable, Console.Out, Console.Error, shutdown.Token).ConfigureAwait(false);
        }
        finally
        {
            foreach (var signal in signals) signal.Dispose();
        }
    }

    /// <summary><see cref="RunProcessAsync(Func{RuntimeEnvironment, IFunctionHandler})"/> with its inputs and outputs given.</summary>
    internal static async Task<int> RunProcessAsync(Func<RuntimeEnvironment, IFunctionHandler> createHandler, Func<string, string?> variable,
        TextWriter output, TextWriter errors, CancellationToken cancellationToken)
    {
        RuntimeEnvironment environment;
        IFunctionHandler handler;
        try
        {
            environment = RuntimeEnvironment.FromVariables(variable);
            handler = createHandler(environment);
        }
        catch (Exception e)
        {
            await errors.WriteLineAsync($"bootstrap: initialization failed: {e.Message}").ConfigureAwait(false);
            string? api = variable("AWS_LAMBDA_RUNTIME_API");
            if (RuntimeEnvironment.TryGetRuntimeApiUri(api, out _))
            {
                try
                {
                    using var initClient = new RuntimeApiClient(api!);
                    using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    timeout.CancelAfter(TimeSpan.FromSeconds(10));
                    string type = e is RuntimeConfigurationException ? "Runtime.ConfigurationError" : "Runtime.InitError." + e.GetType().Name;
                    await initClient.PostInitErrorAsync(RuntimeError.FromException(e, type), timeout.Token).ConfigureAwait(false);
                }
                catch (Exception post) when (post is HttpRequestException or RuntimeApiException or OperationCanceledException or IOException)
                {
                    await errors.WriteLineAsync($"bootstrap: could not report the initialization error to the Runtime API at {api}: {post.Message}").ConfigureAwait(false);
                }
            }
            return 1;
        }

        using var client = new RuntimeApiClient(environment.RuntimeApi);
        try
        {
            return await new LambdaBootstrap(client, handler, environment, output, errors).RunAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            switch (handler)
            {
                case IAsyncDisposable asyncDisposable: await asyncDisposable.DisposeAsync().ConfigureAwait(false); break;
                case IDisposable disposable: disposable.Dispose(); break;
            }
        }
    }

    /// <summary>Loops until <paramref name="cancellationToken"/> is cancelled (returns 0) or the Runtime API fails (returns 1).</summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken = default)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            RuntimeInvocation invocation;
            try
            {
                invocation = await client.GetNextInvocationAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (e is HttpRequestException or RuntimeApiException or IOException)
            {
                await errors.WriteLineAsync($"bootstrap: the Runtime API at {client.BaseAddress} failed, exiting: {e.Message}").ConfigureAwait(false);
                return 1;
            }
            await InvokeAsync(invocation, cancellationToken).ConfigureAwait(false);
        }
        await output.WriteLineAsync($"{Now()}\t-\tINFO\tShutting down (instance {environment.InstanceId}).").ConfigureAwait(false);
        return 0;
    }

    private async Task InvokeAsync(RuntimeInvocation invocation, CancellationToken cancellationToken)
    {
        string id = invocation.RequestId;
        CurrentRequestId.Value = id;
        Environment.SetEnvironmentVariable("_X_AMZN_TRACE_ID", invocation.TraceId);
        var context = new FunctionContext(environment.FunctionName, environment.InstanceId, id, invocation.Deadline, environment.MemoryBytes);
        long start = Stopwatch.GetTimestamp();
        ReadOnlyMemory<byte> result;
        try
        {
            result = await handler.HandleAsync(invocation.Payload, context, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return; // shutting down: Lambda has already given up on this invocation
        }
        catch (Exception e)
        {
            await errors.WriteLineAsync($"{Now()}\t{id}\tERROR\tInvocation failed after {Ms(start)} ms: {e.GetType().FullName}: {e.Message}").ConfigureAwait(false);
            await TryPostAsync(id, () => client.PostErrorAsync(id, RuntimeError.FromException(e), cancellationToken), cancellationToken).ConfigureAwait(false);
            return;
        }
        await output.WriteLineAsync($"{Now()}\t{id}\tINFO\tInvocation returned {result.Length} bytes in {Ms(start)} ms: {Preview(result.Span)}").ConfigureAwait(false);
        await TryPostAsync(id, () => client.PostResponseAsync(id, result, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    private async Task TryPostAsync(string id, Func<Task> post, CancellationToken cancellationToken)
    {
        try
        {
            await post().ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is HttpRequestException or RuntimeApiException or IOException)
        {
            // The invocation is lost (e.g. 413 for a response over 6 MB, or Lambda already timed it out); the next GET tells whether the API is still there.
            await errors.WriteLineAsync($"{Now()}\t{id}\tERROR\tCould not post the result: {e.Message}").ConfigureAwait(false);
        }
    }

    private static string Now() => DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static string Ms(long start) => Stopwatch.GetElapsedTime(start).TotalMilliseconds.ToString("0.00", CultureInfo.InvariantCulture);

    /// <summary>The start of a (JSON) result on one line.</summary>
    private static string Preview(ReadOnlySpan<byte> result)
    {
        const int Max = 300;
        string text = Encoding.UTF8.GetString(result[..Math.Min(result.Length, Max)]).ReplaceLineEndings(" ");
        return result.Length > Max ? text + "…" : text;
    }
}
