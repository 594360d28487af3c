using Azure;
using Azure.Core;
using Azure.Identity;
using Azure.Security.KeyVault.Secrets;

namespace Tiered.Providers.Azure.Keys;

/// <summary>
/// Secrets from Azure Key Vault (<see cref="SecretClient"/>), authenticated with a <see cref="TokenCredential"/> —
/// <see cref="DefaultAzureCredential"/> unless one is given (environment, workload identity, managed identity, Azure CLI, …).
/// Nothing is contacted until the first <see cref="GetSecretAsync"/>.
/// </summary>
public sealed class KeyVaultSecretSource : ISecretSource
{
    private readonly SecretClient _client;

    /// <summary>Reads secrets of the vault at <paramref name="vaultUri"/>.</summary>
    /// <param name="vaultUri">e.g. <c>https://contoso-tiered.vault.azure.net/</c>.</param>
    /// <param name="credential">The identity; null: <see cref="DefaultAzureCredential"/> (with <paramref name="managedIdentityClientId"/> when given).</param>
    /// <param name="managedIdentityClientId">The client id of a user-assigned managed identity, for the default credential.</param>
    /// <param name="clientOptions">Retries, transport (tests); null: the SDK's defaults.</param>
    public KeyVaultSecretSource(Uri vaultUri, TokenCredential? credential = null, string? managedIdentityClientId = null, SecretClientOptions? clientOptions = null)
    {
        ArgumentNullException.ThrowIfNull(vaultUri);
        VaultUri = vaultUri;
        credential ??= new DefaultAzureCredential(new DefaultAzureCredentialOptions
        {
            ManagedIdentityClientId = string.IsNullOrWhiteSpace(managedIdentityClientId) ? null : managedIdentityClientId.Trim(),
        });
        _client = new SecretClient(vaultUri, credential, clientOptions ?? new SecretClientOptions());
    }

    /// <summary>The vault.</summary>
    public Uri VaultUri { get; }

    /// <inheritdoc />
    public string Description => $"Azure Key Vault {VaultUri.Host}";

    /// <inheritdoc />
    public async Task<string> GetSecretAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        try
        {
            var secret = await _client.GetSecretAsync(name, version: null, cancellationToken).ConfigureAwait(false);
            return string.IsNullOrEmpty(secret.Value.Value)
                ? throw new AzureFunctionKeyException($"The secret '{name}' in {Description} is empty. {AzureFunctionKeyException.HowToConfigure}")
                : secret.Value.Value;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            throw new AzureFunctionKeyException(
                $"The secret '{name}' does not exist in {Description} (Tiered:Backend:Azure:KeyVaultSecretName). Create it with " +
                $"'az keyvault secret set --vault-name {VaultUri.Host.Split('.')[0]} --name {name} --value <function key>'.", e);
        }
        catch (RequestFailedException e) when (e.Status is 401 or 403)
        {
            throw new AzureFunctionKeyException(
                $"{Description} refused to read the secret '{name}' ({e.Status} {e.ErrorCode}): the proxy's identity needs the 'Key Vault Secrets User' " +
                "role on the vault (RBAC) or a 'get' secret permission (access policy), and the vault's firewall must admit the proxy. " +
                $"Azure said: {e.Message}", e);
        }
        catch (RequestFailedException e)
        {
            throw new AzureFunctionKeyException($"Reading the secret '{name}' from {Description} failed ({e.Status} {e.ErrorCode}): {e.Message}", e);
        }
        catch (AuthenticationFailedException e)
        {
            throw new AzureFunctionKeyException(
                $"No Azure identity to read the secret '{name}' from {Description}: DefaultAzureCredential tried environment variables (AZURE_CLIENT_ID, " +
                "AZURE_TENANT_ID, AZURE_CLIENT_SECRET or a certificate), workload identity, managed identity and the developer tools (az login, azd, " +
                $"Visual Studio) and found none that works. {e.Message}", e);
        }
    }
}
