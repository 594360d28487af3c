namespace Tiered.Providers.Azure.Keys;

/// <summary>No function key could be resolved for an invocation; the message says where it was looked for and how to provide it. Nothing was sent.</summary>
public sealed class AzureFunctionKeyException : Exception
{
    /// <summary>How a key can be given to the <c>azure-functions</c> backend (appended to messages).</summary>
    public const string HowToConfigure =
        "Provide the key in one of these ways: (1) Tiered:Backend:Azure:FunctionKey (environment: Tiered__Backend__Azure__FunctionKey), the " +
        "value of 'az functionapp function keys list -g <group> -n <app> --function-name node' or of a host key set on every app with " +
        "'az functionapp keys set'; (2) Tiered:Backend:Azure:FunctionKeys:<app> per app; (3) a Key Vault secret: Tiered:Backend:Azure:KeyVaultUri " +
        "and KeyVaultSecretName, read with DefaultAzureCredential (the proxy's identity needs the 'Key Vault Secrets User' role).";

    /// <summary>Creates the exception.</summary>
    public AzureFunctionKeyException(string message, Exception? innerException = null) : base(message, innerException)
    {
    }
}
