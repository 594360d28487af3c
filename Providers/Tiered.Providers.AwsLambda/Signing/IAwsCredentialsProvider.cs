namespace Tiered.Providers.AwsLambda.Signing;

/// <summary>Supplies the credentials requests are signed with (<see cref="AwsCredentialsProvider"/> is the standard one).</summary>
public interface IAwsCredentialsProvider
{
    /// <summary>Where the credentials come from, for logs and errors (never the secret).</summary>
    string Source { get; }

    /// <summary>Current, unexpired credentials.</summary>
    /// <exception cref="AwsCredentialsException">None can be found, saying how to configure them.</exception>
    ValueTask<AwsCredentials> GetCredentialsAsync(CancellationToken cancellationToken = default);
}
