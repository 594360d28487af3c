using Amazon.Runtime;
using Amazon.Runtime.CredentialManagement;
using Amazon.Runtime.Credentials;

namespace Tiered.Providers.AwsLambda.Signing;

/// <summary>
/// Credentials from static keys, a named profile, or AWSSDK.Core's standard chain (<see cref="DefaultAWSCredentialsIdentityResolver"/>:
/// environment, web identity, profile incl. SSO and assume-role, ECS/EKS container, EC2 instance metadata), cached:
/// expiring credentials are refreshed <see cref="RefreshBeforeExpiry"/> before they expire, others are looked up again every
/// <see cref="NonExpiringCacheDuration"/> (picking up rotated keys). A failed refresh keeps serving credentials that are still valid.
/// </summary>
public sealed class AwsCredentialsProvider : IAwsCredentialsProvider, IDisposable
{
    /// <summary>How long before their expiry temporary credentials are replaced.</summary>
    public static readonly TimeSpan RefreshBeforeExpiry = TimeSpan.FromMinutes(5);

    /// <summary>How long credentials without an expiry are used before the source is asked again.</summary>
    public static readonly TimeSpan NonExpiringCacheDuration = TimeSpan.FromMinutes(15);

    /// <summary>How long to wait before asking again after a refresh failed (or returned credentials about to expire).</summary>
    public static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(30);

    private readonly Func<CancellationToken, Task<AwsCredentials>> _resolve;
    private readonly TimeProvider _time;
    private readonly IDisposable? _owned;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile CacheEntry? _cached;

    internal AwsCredentialsProvider(string source, Func<CancellationToken, Task<AwsCredentials>> resolve, TimeProvider? timeProvider = null, IDisposable? owned = null)
    {
        Source = source;
        _resolve = resolve;
        _time = timeProvider ?? TimeProvider.System;
        _owned = owned;
    }

    /// <inheritdoc />
    public string Source { get; }

    /// <summary>Always the same credentials (e.g. the local emulator's keys).</summary>
    public static AwsCredentialsProvider Static(AwsCredentials credentials)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        var provider = new AwsCredentialsProvider($"static credentials ({credentials.AccessKeyId})", _ => Task.FromResult(credentials));
        provider._cached = new CacheEntry(credentials, DateTimeOffset.MaxValue);
        return provider;
    }

    /// <summary>AWSSDK.Core's default chain (what every AWS SDK does): environment, web identity, profile (<c>AWS_PROFILE</c> or <c>default</c>, SSO too), container, EC2.</summary>
    public static AwsCredentialsProvider DefaultChain(TimeProvider? timeProvider = null)
    {
        var resolver = new DefaultAWSCredentialsIdentityResolver();
        const string source = "the default AWS credential chain";
        return new AwsCredentialsProvider(source, async ct =>
        {
            AWSCredentials sdk;
            try
            {
                sdk = await resolver.ResolveIdentityAsync(null!, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                throw AwsCredentialsException.NotFoundInChain(e);
            }
            return await ConvertAsync(sdk, source).ConfigureAwait(false);
        }, timeProvider, resolver);
    }

    /// <summary>The named profile from the shared credentials/config files (or from <paramref name="profilesLocation"/>, a credentials file).</summary>
    public static AwsCredentialsProvider FromProfile(string profileName, string? profilesLocation = null, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(profileName);
        var chain = string.IsNullOrEmpty(profilesLocation) ? new CredentialProfileStoreChain() : new CredentialProfileStoreChain(profilesLocation);
        string source = $"the AWS profile '{profileName}'";
        AWSCredentials? sdk = null;   // kept so assume-role and SSO credentials refresh themselves instead of starting over
        return new AwsCredentialsProvider(source, async ct =>
        {
            if (sdk is null && !chain.TryGetAWSCredentials(profileName, out sdk))
                throw AwsCredentialsException.ProfileNotFound(profileName, string.IsNullOrEmpty(profilesLocation) ? null : profilesLocation);
            try
            {
                return await ConvertAsync(sdk!, source).ConfigureAwait(false);
            }
            catch
            {
                sdk = null;
                throw;
            }
        }, timeProvider);
    }

    /// <summary>Any AWSSDK.Core credentials object (it refreshes itself; this adds the cache).</summary>
    public static AwsCredentialsProvider FromSdk(AWSCredentials credentials, string? source = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        source ??= $"AWS SDK credentials ({credentials.GetType().Name})";
        return new AwsCredentialsProvider(source, _ => ConvertAsync(credentials, source), timeProvider);
    }

    /// <summary>
    /// What <paramref name="options"/> ask for: static keys when <see cref="AwsLambdaOptions.AccessKeyId"/> is set, else the
    /// profile <see cref="AwsLambdaOptions.ProfileName"/> when set, else the default chain.
    /// </summary>
    public static AwsCredentialsProvider FromOptions(AwsLambdaOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!string.IsNullOrEmpty(options.AccessKeyId))
        {
            if (string.IsNullOrEmpty(options.SecretAccessKey))
                throw new AwsCredentialsException($"Tiered:Backend:AwsLambda:AccessKeyId is set but SecretAccessKey is not. {AwsCredentialsException.HowToConfigure}");
            return Static(new AwsCredentials(options.AccessKeyId, options.SecretAccessKey, options.SessionToken));
        }
        if (!string.IsNullOrEmpty(options.ProfileName)) return FromProfile(options.ProfileName, options.ProfilesLocation, timeProvider);
        return DefaultChain(timeProvider);
    }

    /// <inheritdoc />
    public ValueTask<AwsCredentials> GetCredentialsAsync(CancellationToken cancellationToken = default)
    {
        var cached = _cached;
        if (cached is not null && _time.GetUtcNow() < cached.RefreshAt) return ValueTask.FromResult(cached.Credentials);
        return new ValueTask<AwsCredentials>(RefreshAsync(cancellationToken));
    }

    /// <summary>Forgets the cached credentials; the next request asks the source again.</summary>
    public void Invalidate()
    {
        if (_cached is { RefreshAt: var at } cached && at != DateTimeOffset.MaxValue) _cached = cached with { RefreshAt = DateTimeOffset.MinValue };
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _owned?.Dispose();
        _gate.Dispose();
    }

    /// <inheritdoc />
    public override string ToString() => $"AwsCredentialsProvider({Source})";

    private async Task<AwsCredentials> RefreshAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var now = _time.GetUtcNow();
            var cached = _cached;
            if (cached is not null && now < cached.RefreshAt) return cached.Credentials;
            AwsCredentials fresh;
            try
            {
                fresh = await _resolve(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException && cached is not null && !(cached.Credentials.Expiration <= now))
            {
                _cached = cached with { RefreshAt = now + RetryInterval };   // still valid: keep using them, ask again shortly
                return cached.Credentials;
            }
            _cached = new CacheEntry(fresh, RefreshTime(fresh, now));
            return fresh;
        }
        finally
        {
            _gate.Release();
        }
    }

    private static DateTimeOffset RefreshTime(AwsCredentials credentials, DateTimeOffset now)
    {
        if (credentials.Expiration is not { } expiration) return now + NonExpiringCacheDuration;
        var at = expiration - RefreshBeforeExpiry;
        if (at > now) return at;
        // The source handed out credentials already inside the refresh window (its own refresh margin is smaller):
        // use them, but ask again soon rather than on every request.
        var left = expiration - now;
        return now + (left <= TimeSpan.Zero ? TimeSpan.Zero : TimeSpan.FromTicks(Math.Min(RetryInterval.Ticks, left.Ticks / 2)));
    }

    private static async Task<AwsCredentials> ConvertAsync(AWSCredentials sdk, string source)
    {
        ImmutableCredentials current;
        try
        {
            current = await sdk.GetCredentialsAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw AwsCredentialsException.ResolveFailed(source, e);
        }
        if (current is null || string.IsNullOrEmpty(current.AccessKey) || string.IsNullOrEmpty(current.SecretKey))
            throw AwsCredentialsException.ResolveFailed(source, new InvalidOperationException("The credentials have no access key id or secret key."));
        DateTimeOffset? expiration = (sdk as RefreshingAWSCredentials)?.Expiration is { } e2
            ? new DateTimeOffset(e2.Kind == DateTimeKind.Local ? e2.ToUniversalTime() : DateTime.SpecifyKind(e2, DateTimeKind.Utc))
            : null;
        return new AwsCredentials(current.AccessKey, current.SecretKey, current.UseToken ? current.Token : null, expiration);
    }

    private sealed record CacheEntry(AwsCredentials Credentials, DateTimeOffset RefreshAt);
}
