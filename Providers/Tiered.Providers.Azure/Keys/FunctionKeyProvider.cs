using System.Collections.Concurrent;

namespace Tiered.Providers.Azure.Keys;

/// <summary>
/// The function keys of a pool: fixed ones from configuration (<see cref="Configured"/>), or secrets read from a store such as
/// Key Vault (<see cref="FromSecrets"/>) — each secret once (concurrent callers share the lookup, a failed lookup is not
/// cached), again only when an app refuses the key it was sent (<see cref="Invalidate"/>, on 401).
/// </summary>
public sealed class FunctionKeyProvider : IFunctionKeyProvider
{
    private readonly Func<string, string?>? _configured;
    private readonly ISecretSource? _secrets;
    private readonly Func<string, string>? _secretName;
    private readonly ConcurrentDictionary<string, Task<string>> _cache = new(StringComparer.Ordinal);

    private FunctionKeyProvider(string source, Func<string, string?>? configured, ISecretSource? secrets, Func<string, string>? secretName)
    {
        Source = source;
        _configured = configured;
        _secrets = secrets;
        _secretName = secretName;
    }

    /// <inheritdoc />
    public string Source { get; }

    /// <summary>How many times a secret was read from the store (a refresh counts again).</summary>
    public int SecretReads => Volatile.Read(ref _secretReads);

    private int _secretReads;

    /// <summary>
    /// Keys from configuration: <paramref name="perFunction"/>[name], else <paramref name="key"/>, else none (sent without
    /// <c>x-functions-key</c>, which only a local host accepts).
    /// </summary>
    public static FunctionKeyProvider Configured(string? key, IReadOnlyDictionary<string, string>? perFunction = null)
    {
        var keys = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (perFunction is not null)
            foreach (var (name, value) in perFunction) keys[name.Trim()] = value;
        string? fallback = string.IsNullOrEmpty(key) ? null : key;
        string source = (keys.Count, fallback) switch
        {
            (0, null) => "no key (a local host that does not check keys)",
            (0, _) => "configuration (FunctionKey)",
            (_, null) => "configuration (FunctionKeys)",
            _ => "configuration (FunctionKeys, else FunctionKey)",
        };
        return new FunctionKeyProvider(source, name => keys.TryGetValue(name, out var k) ? k : fallback, null, null);
    }

    /// <summary>Keys read from <paramref name="secrets"/>: the secret <paramref name="secretName"/>, <c>{function}</c> in it replaced by the pool name.</summary>
    public static FunctionKeyProvider FromSecrets(ISecretSource secrets, string secretName)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        ArgumentException.ThrowIfNullOrWhiteSpace(secretName);
        string template = secretName.Trim();
        return new FunctionKeyProvider($"the secret '{template}' in {secrets.Description}", null, secrets,
            name => template.Replace(AzureFunctionsOptions.FunctionPlaceholder, name, StringComparison.Ordinal));
    }

    /// <summary>
    /// What <paramref name="options"/> ask for: Key Vault when <see cref="AzureFunctionsOptions.KeyVaultUri"/> is set (through
    /// <paramref name="secrets"/> when given, else a <see cref="KeyVaultSecretSource"/> with <c>DefaultAzureCredential</c>), else the configured keys.
    /// </summary>
    public static FunctionKeyProvider FromOptions(AzureFunctionsOptions options, ISecretSource? secrets = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.UsesKeyVault)
            return Configured(options.FunctionKey, options.FunctionKeys.ToDictionary(p => p.Key, p => p.Value, StringComparer.OrdinalIgnoreCase));
        if (string.IsNullOrWhiteSpace(options.KeyVaultSecretName))
            throw new AzureFunctionKeyException($"Tiered:Backend:Azure:KeyVaultUri is set but KeyVaultSecretName is not. {AzureFunctionKeyException.HowToConfigure}");
        if (secrets is null)
        {
            if (!Uri.TryCreate(options.KeyVaultUri?.Trim(), UriKind.Absolute, out var vault))
                throw new AzureFunctionKeyException($"Tiered:Backend:Azure:KeyVaultUri '{options.KeyVaultUri}' is not a vault URL. {AzureFunctionKeyException.HowToConfigure}");
            secrets = new KeyVaultSecretSource(vault, credential: null, options.ManagedIdentityClientId);
        }
        return FromSecrets(secrets, options.KeyVaultSecretName);
    }

    /// <inheritdoc />
    public ValueTask<string?> GetKeyAsync(string functionName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(functionName);
        if (_configured is not null) return ValueTask.FromResult(_configured(functionName.Trim()));
        string secret = _secretName!(functionName.Trim());
        var lookup = _cache.GetOrAdd(secret, Read);
        return lookup.IsCompletedSuccessfully ? ValueTask.FromResult<string?>(lookup.Result) : Await(lookup, secret, cancellationToken);
    }

    /// <inheritdoc />
    public bool Invalidate(string functionName, string? rejectedKey)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(functionName);
        if (_configured is not null) return false;
        string secret = _secretName!(functionName.Trim());
        if (!_cache.TryGetValue(secret, out var cached)) return true;                 // already dropped: the next call reads again
        if (!cached.IsCompleted) return true;                                         // a refresh is under way
        if (cached.IsCompletedSuccessfully && cached.Result != rejectedKey) return true; // already replaced by another key
        _cache.TryRemove(KeyValuePair.Create(secret, cached));
        return true;
    }

    private Task<string> Read(string secret)
    {
        Interlocked.Increment(ref _secretReads);
        // Not tied to one caller's token: others may be waiting for the same lookup.
        return Task.Run(() => _secrets!.GetSecretAsync(secret, CancellationToken.None));
    }

    private async ValueTask<string?> Await(Task<string> lookup, string secret, CancellationToken cancellationToken)
    {
        try
        {
            return await lookup.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            _cache.TryRemove(KeyValuePair.Create(secret, lookup));   // a failure is not cached: the next invocation asks again
            if (e is AzureFunctionKeyException) throw;
            throw new AzureFunctionKeyException($"Reading the function key from the secret '{secret}' in {_secrets!.Description} failed: {e.Message}", e);
        }
    }
}
