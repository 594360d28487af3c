using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Tiered.Functions.Azure.Tests;

/// <summary>
/// Function apps on one machine: Kestrel on 127.0.0.1 plays the Azure Functions front end for a pool of apps, each with one
/// instance — a <see cref="NodeFunction"/>, what the worker process runs — at <c>POST /{app}/api/node[/{name}]</c>. It checks
/// <c>x-functions-key</c> (401 without it, as Azure does) and copies the function's answer to HTTP as the trigger does. An
/// instance can be reclaimed: its running invocations are cancelled (the node closes its connection) and the next invocation
/// lands on a new, empty instance.
/// </summary>
internal sealed class FunctionAppsEndpoint : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, Instance> _instances = new(StringComparer.OrdinalIgnoreCase);
    private readonly Func<string, NodeWorkerSettings> _settings;
    private int _created;

    private FunctionAppsEndpoint(WebApplication app, Func<string, NodeWorkerSettings> settings, string key)
    {
        _app = app;
        _settings = settings;
        Key = key;
    }

    /// <summary>The key every request must carry.</summary>
    public string Key { get; }

    /// <summary><c>http://127.0.0.1:{port}/{app}</c>, the backend's BaseUrl.</summary>
    public string BaseUrl { get; private set; } = "";

    /// <summary>Requests refused for a missing or wrong key.</summary>
    public int Unauthorized => Volatile.Read(ref _unauthorized);

    private int _unauthorized;

    public static async Task<FunctionAppsEndpoint> StartAsync(string key, Func<string, NodeWorkerSettings> settings)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var endpoint = new FunctionAppsEndpoint(app, settings, key);
        app.MapPost("/{app}/api/node/{name?}", (HttpContext context, string app) => endpoint.InvokeAsync(context, app));
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        endpoint.BaseUrl = address.TrimEnd('/') + "/{app}";
        return endpoint;
    }

    /// <summary>The instance currently serving <paramref name="app"/> (created on its first invocation).</summary>
    public NodeFunction? InstanceOf(string app) => _instances.TryGetValue(app, out var instance) ? instance.Function : null;

    /// <summary>How many instances were created (cold starts).</summary>
    public int InstancesCreated => Volatile.Read(ref _created);

    /// <summary>Reclaims <paramref name="app"/>'s instance: its memory is gone, its running invocations end.</summary>
    public bool Reclaim(string app)
    {
        if (!_instances.TryRemove(app, out var instance)) return false;
        instance.Stop.Cancel();
        return true;
    }

    private async Task InvokeAsync(HttpContext http, string app)
    {
        if (http.Request.Headers["x-functions-key"] != Key)
        {
            Interlocked.Increment(ref _unauthorized);
            http.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }
        var instance = _instances.GetOrAdd(app, name =>
        {
            Interlocked.Increment(ref _created);
            return new Instance(new NodeFunction(_settings(name)));
        });
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, instance.Stop.Token);
        NodeResponse answer;
        try
        {
            answer = await instance.Function.InvokeAsync(http.Request.Body, Guid.NewGuid().ToString(), cancel.Token);
        }
        catch (OperationCanceledException)
        {
            http.Response.StatusCode = StatusCodes.Status500InternalServerError;   // the instance went away mid-invocation
            return;
        }
        http.Response.StatusCode = answer.StatusCode;
        http.Response.ContentType = NodeResponse.ContentType;
        foreach (var (name, value) in answer.Headers()) http.Response.Headers[name] = value;
        await http.Response.Body.WriteAsync(answer.Body);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var instance in _instances.Values) instance.Stop.Cancel();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private sealed record Instance(NodeFunction Function)
    {
        public CancellationTokenSource Stop { get; } = new();
    }
}
