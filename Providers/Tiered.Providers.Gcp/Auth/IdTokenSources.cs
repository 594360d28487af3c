namespace Tiered.Providers.Gcp.Auth;

/// <summary>Builds the <see cref="IIdTokenSource"/> that <see cref="CloudRunFunctionOptions"/> describe.</summary>
public static class IdTokenSources
{
    /// <summary>
    /// The source of <see cref="CloudRunFunctionOptions.EffectiveCredentialSource"/>: a <see cref="StaticIdTokenSource"/>, a
    /// <see cref="MetadataServerIdTokenSource"/>, or a <see cref="GoogleCredentialIdTokenSource"/> (application default credentials or a
    /// service account key file). Not cached: the backend wraps it in a <see cref="CachingIdTokenSource"/>.
    /// </summary>
    public static IIdTokenSource FromOptions(CloudRunFunctionOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.EffectiveCredentialSource switch
        {
            GcpCredentialSource.StaticToken => new StaticIdTokenSource(options.StaticIdToken!),
            GcpCredentialSource.MetadataServer => new MetadataServerIdTokenSource(options.MetadataServerUrl, timeProvider: timeProvider),
            GcpCredentialSource.ServiceAccountKeyFile => GoogleCredentialIdTokenSource.FromServiceAccountKeyFile(options.ServiceAccountKeyFile!, timeProvider),
            _ => GoogleCredentialIdTokenSource.ApplicationDefault(timeProvider),
        };
    }
}
