using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Tiered.Providers.Gcp.Auth;

namespace Tiered.Providers.Gcp.Tests;

/// <summary>An ID token source that mints a fresh JWT per call, records the audiences asked for, and can be made to fail.</summary>
internal sealed class RecordingTokenSource(TimeProvider? time = null) : IIdTokenSource
{
    private int _calls;

    public ConcurrentQueue<string> Audiences { get; } = new();

    public int Calls => Volatile.Read(ref _calls);

    public TimeSpan Lifetime { get; set; } = TimeSpan.FromHours(1);

    public Exception? Failure { get; set; }

    public string Source => "the test token source";

    public Task<GoogleIdToken> GetTokenAsync(string audience, CancellationToken cancellationToken = default)
    {
        int call = Interlocked.Increment(ref _calls);
        Audiences.Enqueue(audience);
        if (Failure is { } failure) return Task.FromException<GoogleIdToken>(failure);
        var expires = (time ?? TimeProvider.System).GetUtcNow() + Lifetime;
        return Task.FromResult(new GoogleIdToken(TestJwt.Create(audience, expires, $"call-{call}@test"), audience, expires));
    }
}

/// <summary>A backend aimed at a loopback server, with its own meter factory and recorded (not waited) retry delays.</summary>
internal sealed class TestBackend : IDisposable
{
    public const string Token = "test-bearer-token";

    private readonly ServiceProvider _services;

    public TestBackend(LoopbackHttpServer server, Action<CloudRunFunctionOptions>? configure = null, IIdTokenSource? tokens = null)
        : this(Configure(BaseOptions(server.Url, tokens is null), configure), tokens)
    {
    }

    public TestBackend(CloudRunFunctionOptions options, IIdTokenSource? tokens = null)
    {
        Options = options;
        _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        MeterFactory = _services.GetRequiredService<IMeterFactory>();
        Backend = new CloudRunFunctionBackend(options, tokens, meterFactory: MeterFactory)
        {
            DelayAsync = (delay, _) =>
            {
                Delays.Enqueue(delay);
                return Task.CompletedTask;
            },
        };
    }

    public CloudRunFunctionOptions Options { get; }
    public IMeterFactory MeterFactory { get; }
    public CloudRunFunctionBackend Backend { get; }
    public ConcurrentQueue<TimeSpan> Delays { get; } = new();

    /// <summary>Three functions, tiered-node-000 … 002, all at <paramref name="url"/>; the static test token unless another source is given.</summary>
    public static CloudRunFunctionOptions BaseOptions(Uri url, bool staticToken = true)
    {
        var options = new CloudRunFunctionOptions
        {
            MaxRetries = 3,
            RetryBaseDelay = TimeSpan.FromMilliseconds(100),
            RetryMaxDelay = TimeSpan.FromSeconds(5),
            ConnectTimeout = TimeSpan.FromSeconds(5),
            StaticIdToken = staticToken ? Token : null,
        };
        for (int i = 0; i < 3; i++) options.FunctionUrls[$"tiered-node-{i:D3}"] = url.ToString();
        return options;
    }

    public MetricCollector<long> Collect(string instrument) => new(MeterFactory, CloudRunMetricNames.MeterName, instrument);

    public void Dispose()
    {
        Backend.Dispose();
        _services.Dispose();
    }

    private static CloudRunFunctionOptions Configure(CloudRunFunctionOptions options, Action<CloudRunFunctionOptions>? configure)
    {
        configure?.Invoke(options);
        return options;
    }
}
