using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Tiered.Client;
using Tiered.Codecs;
using Tiered.Coding;
using Tiered.Functions;
using Tiered.Placement;
using Tiered.Proxy;

namespace Tiered.Hosting;

/// <summary>
/// The composed tier in one process: codec, placement, backend and the <see cref="TierProxy"/> built from
/// <see cref="TieredOptions"/>, plus the in-process client. <see cref="TieredProxyHostedService"/> starts and stops it
/// with the host; first use of <see cref="Tier"/> or <see cref="Client"/> starts it too, whichever comes first.
/// </summary>
public sealed partial class TieredRuntime : IAsyncDisposable
{
    private readonly TieredComponentRegistry _registry;
    private readonly IServiceProvider _services;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly IMeterFactory? _meterFactory;
    private readonly Lock _gate = new();
    private readonly HostedTier _tier;
    private TierProxy? _proxy;
    private TierClient? _client;
    private IErasureCodec? _codec;
    private IPlacement<string>? _placement;
    private IFunctionBackend? _backend;
    private volatile TieredRuntimeState _state;
    private volatile bool _clientHandedToContainer;
    private long _inFlight;
    private TaskCompletionSource _idle = NewIdle();

    /// <summary>Creates the runtime (nothing is built or opened until <see cref="Start"/>).</summary>
    public TieredRuntime(IOptions<TieredOptions> options, TieredComponentRegistry registry, IServiceProvider services,
        TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null, IMeterFactory? meterFactory = null)
    {
        Options = options.Value;
        _registry = registry;
        _services = services;
        _time = timeProvider ?? TimeProvider.System;
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        _logger = _loggerFactory.CreateLogger<TieredRuntime>();
        _meterFactory = meterFactory;
        _tier = new HostedTier(this);
    }

    /// <summary>The validated composition.</summary>
    public TieredOptions Options { get; }

    /// <summary>Where the runtime is in its life.</summary>
    public TieredRuntimeState State => _state;

    /// <summary>The codec of the in-process client (and of objects it stores).</summary>
    public IErasureCodec Codec => Started()._codec!;

    /// <summary>The placement of chunks over the backend's functions.</summary>
    public IPlacement<string> Placement => Started()._placement!;

    /// <summary>The platform running the nodes.</summary>
    public IFunctionBackend Backend => Started()._backend!;

    /// <summary>The proxy (started).</summary>
    public TierProxy Proxy => Started()._proxy!;

    /// <summary>A client of the proxy for in-process use (also registered as <see cref="TierClient"/>). Requests made
    /// through it directly are not tracked by the graceful shutdown; those made through <see cref="Tier"/> are.</summary>
    public TierClient Client => Started()._client!;

    /// <summary>The tier for in-process use (registered as <see cref="ITier"/>): refuses new requests once stopping and lets those in flight finish.</summary>
    public ITier Tier => _tier;

    /// <summary>Where clients connect.</summary>
    public IPEndPoint ClientEndPoint => Proxy.ClientEndPoint;

    /// <summary>Where nodes dial back.</summary>
    public IPEndPoint NodeEndPoint => Proxy.NodeEndPoint;

    /// <summary>In-process requests (through <see cref="Tier"/>) in flight now.</summary>
    public long InFlightRequests => Interlocked.Read(ref _inFlight);

    /// <summary>Builds the codec, placement, backend and proxy and starts listening; does nothing when already started.</summary>
    /// <exception cref="ObjectDisposedException">The runtime has stopped.</exception>
    /// <exception cref="InvalidOperationException">The composition cannot work (e.g. fewer functions than k+r).</exception>
    public TieredRuntime Start()
    {
        if (_state == TieredRuntimeState.Running) return this;
        lock (_gate)
        {
            if (_state == TieredRuntimeState.Running) return this;
            if (_state != TieredRuntimeState.NotStarted) throw new ObjectDisposedException(nameof(TieredRuntime), "The tier has stopped.");
            var codec = TieredCodecs.Create(Options.Codec, _registry);
            var placement = TieredPlacements.Create(Options.Placement, _registry);
            var registration = _registry.FindBackend(Options.Backend.Kind)
                ?? throw new InvalidOperationException($"Tiered:Backend:Kind '{Options.Backend.Kind}' is not a known backend (known: {string.Join(", ", _registry.BackendKinds)}).");
            var backend = registration.Create(_services);
            int shards = codec.DataShards + codec.ParityShards;
            if (backend.Functions.Count < shards)
            {
                _ = DisposeBackendAsync(registration, backend).AsTask();
                throw new InvalidOperationException(
                    $"Tiered:Codec {codec.Name} puts each object on {shards} distinct nodes but the {backend.Name} backend (Tiered:Backend) has only {backend.Functions.Count} functions.");
            }
            var proxy = new TierProxy(Options.Proxy.ToTierProxyOptions(), backend, placement, CodecResolver(codec), _time, _loggerFactory, _meterFactory);
            try
            {
                proxy.Start();
            }
            catch
            {
                _ = proxy.DisposeAsync().AsTask();
                _ = DisposeBackendAsync(registration, backend).AsTask();
                throw;
            }
            var client = new TierClient(new TierClientOptions
            {
                Proxies = [Loopback(proxy.ClientEndPoint)],
                ConnectionsPerProxy = Options.Client.ConnectionsPerProxy,
                RequestTimeout = Options.Client.RequestTimeout,
                CodecResolver = CodecResolver(codec),
            }, codec);
            (_codec, _placement, _backend, _proxy, _client) = (codec, placement, backend, proxy, client);
            _state = TieredRuntimeState.Running;
            LogStarted(proxy.ClientEndPoint.ToString(), proxy.NodeEndPoint.ToString(), codec.Name, placement.Name, backend.Name, backend.Functions.Count);
            return this;
        }
    }

    /// <summary>
    /// Graceful shutdown: refuses new in-process requests, waits for those in flight, then stops the proxy, which refuses
    /// new connections and waits up to <see cref="TieredProxySettings.ShutdownDrainTimeout"/> for remote clients' requests
    /// in flight before closing node connections so their invocations return; then disposes the backend. Waiting stops
    /// when <paramref name="cancellationToken"/> fires (the host's shutdown timeout); closing happens regardless.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        TierProxy? proxy;
        lock (_gate)
        {
            if (_state is TieredRuntimeState.Stopping or TieredRuntimeState.Stopped) return;
            proxy = _proxy;
            _state = TieredRuntimeState.Stopping;
        }
        long started = _time.GetTimestamp();
        if (proxy is not null)
        {
            LogStopping(InFlightRequests);
            try
            {
                if (Interlocked.Read(ref _inFlight) > 0) await _idle.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
                await proxy.StopAsync(Options.Proxy.ShutdownDrainTimeout, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                LogDrainCut(InFlightRequests);
            }
        }
        await CloseAsync().ConfigureAwait(false);
        if (proxy is not null) LogStopped(_time.GetElapsedTime(started).TotalMilliseconds);
    }

    /// <summary>Closes without waiting (use <see cref="StopAsync"/> for a graceful shutdown).</summary>
    public async ValueTask DisposeAsync()
    {
        lock (_gate)
        {
            if (_state == TieredRuntimeState.Stopped) return;
            _state = TieredRuntimeState.Stopping;
        }
        await CloseAsync().ConfigureAwait(false);
    }

    /// <summary>The client, handed to the container (which disposes it from then on).</summary>
    internal TierClient ClientForContainer()
    {
        var client = Client;
        _clientHandedToContainer = true;
        return client;
    }

    internal bool TryEnter()
    {
        if (_state == TieredRuntimeState.NotStarted) Start();
        Interlocked.Increment(ref _inFlight);
        if (_state == TieredRuntimeState.Running) return true;
        Exit();
        return false;
    }

    internal void Exit()
    {
        if (Interlocked.Decrement(ref _inFlight) == 0 && _state != TieredRuntimeState.Running) _idle.TrySetResult();
    }

    private async Task CloseAsync()
    {
        TierClient? client; TierProxy? proxy; IFunctionBackend? backend;
        lock (_gate)
        {
            (client, proxy, backend) = (_client, _proxy, _backend);
            _state = TieredRuntimeState.Stopped;
            _idle.TrySetResult();
        }
        // A client resolved from the container as TierClient is disposed by the container (TierClient.DisposeAsync is not
        // idempotent); otherwise the runtime owns it.
        if (client is not null && !_clientHandedToContainer)
        {
            try { await client.DisposeAsync().ConfigureAwait(false); }
            catch (ObjectDisposedException) { }
        }
        if (proxy is not null) await proxy.DisposeAsync().ConfigureAwait(false);
        if (backend is not null && _registry.FindBackend(Options.Backend.Kind) is { } registration)
            await DisposeBackendAsync(registration, backend).ConfigureAwait(false);
    }

    private static async ValueTask DisposeBackendAsync(TieredBackendRegistration registration, IFunctionBackend backend)
    {
        if (!registration.DisposeWithTier) return;
        if (backend is IAsyncDisposable asyncDisposable) await asyncDisposable.DisposeAsync().ConfigureAwait(false);
        else if (backend is IDisposable disposable) disposable.Dispose();
    }

    private Func<string, IErasureCodec> CodecResolver(IErasureCodec own)
    {
        var cache = new System.Collections.Concurrent.ConcurrentDictionary<string, IErasureCodec>(StringComparer.Ordinal) { [own.Name] = own };
        return name => cache.GetOrAdd(name, n =>
        {
            var spec = ComponentSpec.Parse(n, "codec");
            if (_registry.Codecs.ContainsKey(spec.Kind))
            {
                var options = new TieredCodecOptions();
                TieredCodecs.Apply(options, n);
                return TieredCodecs.Create(options, _registry);
            }
            return CodecFactory.Create(n);
        });
    }

    private static IPEndPoint Loopback(IPEndPoint endPoint) =>
        endPoint.Address.Equals(IPAddress.Any) ? new IPEndPoint(IPAddress.Loopback, endPoint.Port)
        : endPoint.Address.Equals(IPAddress.IPv6Any) ? new IPEndPoint(IPAddress.IPv6Loopback, endPoint.Port)
        : endPoint;

    private TieredRuntime Started() => _state == TieredRuntimeState.NotStarted ? Start() : _proxy is null
        ? throw new ObjectDisposedException(nameof(TieredRuntime), "The tier has stopped.") : this;

    private static TaskCompletionSource NewIdle() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    [LoggerMessage(Level = LogLevel.Information, Message = "Tier started: clients on {ClientEndPoint}, nodes on {NodeEndPoint}, codec {Codec}, placement {Placement}, backend {Backend} with {Functions} functions")]
    private partial void LogStarted(string clientEndPoint, string nodeEndPoint, string codec, string placement, string backend, int functions);

    [LoggerMessage(Level = LogLevel.Information, Message = "Tier stopping: refusing new requests, {InFlight} in-process request(s) in flight")]
    private partial void LogStopping(long inFlight);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Tier shutdown timeout reached with {InFlight} in-process request(s) in flight; closing anyway")]
    private partial void LogDrainCut(long inFlight);

    [LoggerMessage(Level = LogLevel.Information, Message = "Tier stopped after {ElapsedMs:F0} ms; node connections closed")]
    private partial void LogStopped(double elapsedMs);
}
