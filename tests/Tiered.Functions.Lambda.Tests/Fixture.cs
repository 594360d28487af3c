using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Tiered.LambdaEmulator;

[assembly: CollectionBehavior(DisableTestParallelization = true)] // every test starts real processes; one at a time on a small machine

namespace Tiered.Functions.Lambda.Tests;

/// <summary>The built functions next to the tests (the test project references both projects).</summary>
internal static class Functions
{
    /// <summary>The real Tiered node bootstrap (Hosts/Tiered.Functions.Lambda).</summary>
    public static string Bootstrap => Existing(Path.Combine(AppContext.BaseDirectory, "bootstrap.dll"));

    /// <summary>The test-only echo function (tests/Tiered.Functions.Lambda.Tests.EchoFunction).</summary>
    public static string Echo => Existing(Path.Combine(AppContext.BaseDirectory, "Tiered.Functions.Lambda.Tests.EchoFunction.dll"));

    private static string Existing(string path) => File.Exists(path) ? path : throw new FileNotFoundException($"{path} was not built next to the tests.", path);
}

/// <summary>An emulator with an HTTP client for its Invoke API (plain HttpClient, no AWS SDK).</summary>
internal sealed class Harness : IAsyncDisposable
{
    /// <summary>Hang guard for one step (real time, generous: the machine is slow); never a timing assertion.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    private Harness(LambdaEmulator.LambdaEmulator emulator, HttpClient http)
    {
        Emulator = emulator;
        Http = http;
    }

    public LambdaEmulator.LambdaEmulator Emulator { get; }
    public HttpClient Http { get; }

    public static async Task<Harness> StartAsync(Action<LambdaEmulatorOptions> configure, TimeProvider? time = null)
    {
        var options = new LambdaEmulatorOptions { MemoryMiB = 128, InitTimeout = TimeSpan.FromMinutes(2) };
        configure(options);
        var emulator = new LambdaEmulator.LambdaEmulator(options, timeProvider: time);
        await emulator.StartAsync().WaitAsync(Patience);
        var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = emulator.Endpoint, Timeout = TimeSpan.FromMinutes(5) };
        return new Harness(emulator, http);
    }

    /// <summary>An echo-function emulator: functions "echo" (and whatever <paramref name="configure"/> adds).</summary>
    public static Task<Harness> EchoAsync(Action<LambdaEmulatorOptions>? configure = null, TimeProvider? time = null) => StartAsync(o =>
    {
        o.BootstrapPath = Functions.Echo;
        o.FunctionNames.Add("echo");
        configure?.Invoke(o);
    }, time);

    public async Task<Invocation> InvokeAsync(string function, string payload, string? invocationType = null, bool tail = false, string? path = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path ?? $"2015-03-31/functions/{function}/invocations")
        {
            Content = new StringContent(payload, Encoding.UTF8, "application/json"),
        };
        if (invocationType is not null) request.Headers.Add("X-Amz-Invocation-Type", invocationType);
        if (tail) request.Headers.Add("X-Amz-Log-Type", "Tail");
        using var response = await Http.SendAsync(request).WaitAsync(Patience);
        return await Invocation.ReadAsync(response);
    }

    public Task<Invocation> EchoAsync(object payload, string function = "echo", bool tail = false)
        => InvokeAsync(function, JsonSerializer.Serialize(payload), tail: tail);

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Emulator.DisposeAsync();
    }
}

/// <summary>An Invoke API answer, read whole.</summary>
internal sealed record Invocation(HttpStatusCode Status, string Body, HttpResponseHeaders Headers, HttpContentHeaders ContentHeaders)
{
    public static async Task<Invocation> ReadAsync(HttpResponseMessage response)
        => new(response.StatusCode, await response.Content.ReadAsStringAsync(), response.Headers, response.Content.Headers);

    public string? Header(string name)
        => Headers.TryGetValues(name, out var values) ? values.First() : ContentHeaders.TryGetValues(name, out var content) ? content.First() : null;

    public string? FunctionError => Header("X-Amz-Function-Error");

    public JsonElement Json => JsonDocument.Parse(Body).RootElement.Clone();

    /// <summary>The decoded <c>X-Amz-Log-Result</c>.</summary>
    public string Log => Encoding.UTF8.GetString(Convert.FromBase64String(Header("X-Amz-Log-Result") ?? throw new InvalidOperationException("No X-Amz-Log-Result header.")));

    /// <summary>Asserts a successful function result and returns it as JSON.</summary>
    public JsonElement Ok()
    {
        Assert.True(Status == HttpStatusCode.OK && FunctionError is null, $"Expected a successful invocation but got {(int)Status} {FunctionError}: {Body}");
        return Json;
    }

    /// <summary>Asserts a function error (200, <c>X-Amz-Function-Error: Unhandled</c>) and returns its document.</summary>
    public JsonElement Unhandled()
    {
        Assert.True(Status == HttpStatusCode.OK, $"Expected 200 but got {(int)Status}: {Body}");
        Assert.Equal("Unhandled", FunctionError);
        return Json;
    }
}

internal static class ProcessAssert
{
    public static bool IsGone(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return process.HasExited;
        }
        catch (ArgumentException)
        {
            return true;
        }
        catch (InvalidOperationException)
        {
            return true;
        }
    }
}

/// <summary>A file the echo function's "wait" action waits for: the test releases invocations in the order it chooses.</summary>
internal sealed class Gate : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "tiered-gate-" + Guid.NewGuid().ToString("N"));

    public object Payload => new { action = "wait", file = Path };

    public void Open() => File.WriteAllText(Path, "open");

    public void Dispose() => File.Delete(Path);
}
