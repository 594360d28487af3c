namespace Tiered.Providers.AwsLambda.Signing;

/// <summary>
/// One set of AWS credentials: an access key id and secret key, plus a session token for temporary credentials.
/// <see cref="ToString"/> never shows the secret or the token.
/// </summary>
public sealed class AwsCredentials
{
    /// <summary>Creates the credentials.</summary>
    /// <param name="accessKeyId">The access key id (<c>AKIA…</c>, or <c>ASIA…</c> for temporary credentials).</param>
    /// <param name="secretAccessKey">The secret access key.</param>
    /// <param name="sessionToken">The session token of temporary credentials; null for long-term keys.</param>
    /// <param name="expiration">When temporary credentials stop working; null when they do not expire.</param>
    public AwsCredentials(string accessKeyId, string secretAccessKey, string? sessionToken = null, DateTimeOffset? expiration = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(accessKeyId);
        ArgumentException.ThrowIfNullOrEmpty(secretAccessKey);
        AccessKeyId = accessKeyId;
        SecretAccessKey = secretAccessKey;
        SessionToken = string.IsNullOrEmpty(sessionToken) ? null : sessionToken;
        Expiration = expiration;
    }

    /// <summary>The access key id (it appears in every signed request's <c>Credential=</c>).</summary>
    public string AccessKeyId { get; }

    /// <summary>The secret access key (never sent; it keys the signature).</summary>
    public string SecretAccessKey { get; }

    /// <summary>The session token of temporary credentials (sent as <c>X-Amz-Security-Token</c>), or null.</summary>
    public string? SessionToken { get; }

    /// <summary>When these credentials expire, or null when they do not.</summary>
    public DateTimeOffset? Expiration { get; }

    /// <summary>The access key id and whether there is a session token; the secret and token are redacted.</summary>
    public override string ToString() =>
        $"AwsCredentials({AccessKeyId}, secret redacted{(SessionToken is null ? "" : ", session token")}{(Expiration is { } e ? $", expires {e:u}" : "")})";
}
