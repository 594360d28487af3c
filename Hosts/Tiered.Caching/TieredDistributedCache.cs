using System.Buffers;
using System.Net;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Tiered.Client;
using Tiered.Codecs;
using Tiered.Protocol;

namespace Tiered.Caching;

/// <summary>
/// The tier as an <see cref="IDistributedCache"/> (and <see cref="IBufferDistributedCache"/>, which HybridCache
/// uses without extra copies). Each value is stored behind a small <see cref="CacheEntryHeader"/> holding its
/// absolute expiry and sliding window; the tier's time to live is set to the effective expiry, and a read or
/// <see cref="Refresh"/> of a sliding entry extends it with EXPIRE (capped by the absolute expiry) without
/// uploading the value again.
/// </summary>
public sealed class TieredDistributedCache : IDistributedCache, IBufferDistributedCache, IAsyncDisposable, IDisposable
{
    private readonly TierClient _client;
    private readonly bool _ownsClient;
    private readonly string _prefix;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <summary>The constructor DI uses (<see cref="TieredCacheServiceCollectionExtensions.AddTieredDistributedCache"/>).</summary>
    public TieredDistributedCache(IOptions<TieredCacheOptions> options, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null)
    {
        var settings = options.Value;
        _prefix = settings.InstanceName ?? "";
        _time = settings.TimeProvider ?? timeProvider ?? TimeProvider.System;
        _logger = (ILogger?)loggerFactory?.CreateLogger<TieredDistributedCache>() ?? NullLogger.Instance;
        if (settings.ClientFactory is { } factory)
        {
            _client = factory();
        }
        else
        {
            if (settings.Proxies.Count == 0) throw new OptionsValidationException(nameof(TieredCacheOptions), typeof(TieredCacheOptions), ["TieredCacheOptions.Proxies must name at least one proxy (host:port), or set ClientFactory."]);
            _client = new TierClient(new TierClientOptions
            {
                Proxies = settings.Proxies.Select(ParseEndPoint).ToList(),
                ConnectionsPerProxy = settings.ConnectionsPerProxy,
                RequestTimeout = settings.RequestTimeout,
                CodecResolver = name => CodecFactory.Create(name),
            }, CodecFactory.Create(settings.Codec));
            _ownsClient = true;
        }
    }

    /// <summary>A cache over an existing client (not disposed by the cache).</summary>
    public TieredDistributedCache(TierClient client, string? instanceName = null, TimeProvider? timeProvider = null)
    {
        _client = client ?? throw new ArgumentNullException(nameof(client));
        _prefix = instanceName ?? "";
        _time = timeProvider ?? TimeProvider.System;
        _logger = NullLogger.Instance;
    }

    public byte[]? Get(string key) => GetAsync(key).GetAwaiter().GetResult();

    public async Task<byte[]?> GetAsync(string key, CancellationToken token = default)
    {
        using var value = await ReadAsync(key, token).ConfigureAwait(false);
        return value?.Span[CacheEntryHeader.Size..].ToArray();
    }

    public bool TryGet(string key, IBufferWriter<byte> destination) => TryGetAsync(key, destination).AsTask().GetAwaiter().GetResult();

    public async ValueTask<bool> TryGetAsync(string key, IBufferWriter<byte> destination, CancellationToken token = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        using var value = await ReadAsync(key, token).ConfigureAwait(false);
        if (value is null) return false;
        destination.Write(value.Span[CacheEntryHeader.Size..]);
        return true;
    }

    public void Set(string key, byte[] value, DistributedCacheEntryOptions options) => SetAsync(key, value, options).GetAwaiter().GetResult();

    public Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default)
    {
        ArgumentNullException.ThrowIfNull(value);
        return WriteAsync(key, new ReadOnlySequence<byte>(value), options, token).AsTask();
    }

    public void Set(string key, ReadOnlySequence<byte> value, DistributedCacheEntryOptions options) => SetAsync(key, value, options).AsTask().GetAwaiter().GetResult();

    public ValueTask SetAsync(string key, ReadOnlySequence<byte> value, DistributedCacheEntryOptions options, CancellationToken token = default) =>
        WriteAsync(key, value, options, token);

    public void Refresh(string key) => RefreshAsync(key).GetAwaiter().GetResult();

    /// <summary>
    /// Extends a sliding entry's lifetime. The header is read with the value (the tier has no partial reads),
    /// but nothing is uploaded: only the time to live changes.
    /// </summary>
    public async Task RefreshAsync(string key, CancellationToken token = default)
    {
        using var value = await ReadAsync(key, token).ConfigureAwait(false);
    }

    public void Remove(string key) => RemoveAsync(key).GetAwaiter().GetResult();

    public async Task RemoveAsync(string key, CancellationToken token = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        await _client.DeleteAsync(_prefix + key, token).ConfigureAwait(false);
    }

    /// <summary>The stored entry (header included) if it is live; a sliding entry's time to live is extended.</summary>
    private async ValueTask<TierValue?> ReadAsync(string key, CancellationToken token)
    {
        ArgumentNullException.ThrowIfNull(key);
        string tierKey = _prefix + key;
        var value = await _client.GetAsync(tierKey, token).ConfigureAwait(false);
        if (value is null) return null;
        try
        {
            if (!CacheEntryHeader.TryRead(value.Span, out var header))
            {
                TieredCacheLog.ForeignEntry(_logger, tierKey);
                value.Dispose();
                return null;
            }
            var now = _time.GetUtcNow();
            if (header.IsExpired(now))
            {
                value.Dispose();
                return null;
            }
            if (header.SlidingExpiration is not null && header.TimeToLive(now) is { } ttl && ttl > TimeSpan.Zero)
                await _client.ExpireAsync(tierKey, ttl, token).ConfigureAwait(false);
            return value;
        }
        catch
        {
            value.Dispose();
            throw;
        }
    }

    private async ValueTask WriteAsync(string key, ReadOnlySequence<byte> value, DistributedCacheEntryOptions options, CancellationToken token)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(options);
        var now = _time.GetUtcNow();
        var header = HeaderFor(options, now);
        if (value.Length > int.MaxValue - CacheEntryHeader.Size) throw new ArgumentOutOfRangeException(nameof(value), value.Length, "The value is too large for one tier object.");
        using var buffer = PooledBuffer.Rent(CacheEntryHeader.Size + (int)value.Length);
        header.Write(buffer.Span);
        value.CopyTo(buffer.Span[CacheEntryHeader.Size..]);
        await _client.PutAsync(_prefix + key, buffer.Memory, new TierPutOptions(header.TimeToLive(now)), token).ConfigureAwait(false);
    }

    /// <summary>The expirations of an entry, checked as <c>RedisCache</c> and <c>MemoryCache</c> check them.</summary>
    private static CacheEntryHeader HeaderFor(DistributedCacheEntryOptions options, DateTimeOffset now)
    {
        if (options.AbsoluteExpirationRelativeToNow is { } relative && relative <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(options), relative, "The relative expiration value must be positive.");
        if (options.SlidingExpiration is { } slidingCheck && slidingCheck <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(options), slidingCheck, "The sliding expiration value must be positive.");
        DateTimeOffset? absolute = options.AbsoluteExpiration;
        if (options.AbsoluteExpirationRelativeToNow is { } rel)
            absolute = absolute is { } a && a < now + rel ? a : now + rel;
        if (absolute is { } abs && abs <= now)
            throw new ArgumentOutOfRangeException(nameof(options), abs, "The absolute expiration value must be in the future.");
        return new CacheEntryHeader(absolute, options.SlidingExpiration);
    }

    private static IPEndPoint ParseEndPoint(string text)
    {
        if (IPEndPoint.TryParse(text, out var endPoint) && endPoint.Port != 0) return endPoint;
        int colon = text.LastIndexOf(':');
        if (colon > 0 && int.TryParse(text.AsSpan(colon + 1), out int port))
        {
            var host = text[..colon];
            var address = host == "localhost" ? IPAddress.Loopback : Dns.GetHostAddresses(host).FirstOrDefault()
                ?? throw new ArgumentException($"TieredCacheOptions.Proxies: cannot resolve '{host}'.");
            return new IPEndPoint(address, port);
        }
        throw new ArgumentException($"TieredCacheOptions.Proxies: '{text}' is not host:port.");
    }

    public async ValueTask DisposeAsync()
    {
        if (_ownsClient) await _client.DisposeAsync().ConfigureAwait(false);
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();
}
