namespace Tiered.Providers.Azure.Keys;

/// <summary>Where the <c>x-functions-key</c> of each node function comes from (configuration, Key Vault, or your own).</summary>
public interface IFunctionKeyProvider
{
    /// <summary>Where the keys come from, for logs and messages (never a key).</summary>
    string Source { get; }

    /// <summary>The key to send to <paramref name="functionName"/>, or null to send none (a local host that checks no keys).</summary>
    /// <exception cref="AzureFunctionKeyException">The key could not be resolved (e.g. the secret is missing or the vault refused).</exception>
    ValueTask<string?> GetKeyAsync(string functionName, CancellationToken cancellationToken = default);

    /// <summary>
    /// The app refused <paramref name="rejectedKey"/> (401). Returns true when asking again may give another key (the cached one is
    /// dropped, or was already replaced); false when the source cannot change (a configured key).
    /// </summary>
    bool Invalidate(string functionName, string? rejectedKey);
}

/// <summary>A store of named secrets (Azure Key Vault in production, a fake in tests).</summary>
public interface ISecretSource
{
    /// <summary>Where the secrets are, for logs and messages, e.g. <c>Azure Key Vault contoso-tiered.vault.azure.net</c>.</summary>
    string Description { get; }

    /// <summary>The current value of the secret <paramref name="name"/>.</summary>
    /// <exception cref="AzureFunctionKeyException">The secret does not exist, or the store refused or could not be reached.</exception>
    Task<string> GetSecretAsync(string name, CancellationToken cancellationToken = default);
}
