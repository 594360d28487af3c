namespace Tiered.Providers.AwsLambda.Signing;

/// <summary>No usable AWS credentials could be found; the message says where they were looked for and how to provide them.</summary>
public sealed class AwsCredentialsException : Exception
{
    /// <summary>How credentials can be provided to the <c>aws-lambda</c> backend (appended to every message).</summary>
    public const string HowToConfigure =
        "Provide credentials in one of these ways: " +
        "(1) the environment variables AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (plus AWS_SESSION_TOKEN for temporary credentials); " +
        "(2) a profile in ~/.aws/credentials or ~/.aws/config (SSO profiles after 'aws sso login'), chosen with AWS_PROFILE or " +
        "Tiered:Backend:AwsLambda:ProfileName (AwsLambdaOptions.ProfileName); " +
        "(3) a web identity token (AWS_WEB_IDENTITY_TOKEN_FILE with AWS_ROLE_ARN), an ECS/EKS container role or an EC2 instance profile; " +
        "(4) static keys in Tiered:Backend:AwsLambda:AccessKeyId and Tiered:Backend:AwsLambda:SecretAccessKey (e.g. for the local Lambda emulator).";

    /// <summary>Creates the exception.</summary>
    public AwsCredentialsException(string message, Exception? innerException = null) : base(message, innerException)
    {
    }

    internal static AwsCredentialsException NotFoundInChain(Exception inner) => new(
        "No AWS credentials were found by the default AWS credential chain (environment, web identity, profile incl. SSO, container, " +
        $"instance metadata). {HowToConfigure} The AWS SDK reported: {inner.Message}", inner);

    internal static AwsCredentialsException ProfileNotFound(string profile, string? location) => new(
        $"The AWS profile '{profile}' (Tiered:Backend:AwsLambda:ProfileName) was not found in " +
        (location is null ? "the shared credentials and config files (~/.aws/credentials, ~/.aws/config, or AWS_SHARED_CREDENTIALS_FILE and AWS_CONFIG_FILE)" : $"'{location}'") +
        $". {HowToConfigure}");

    internal static AwsCredentialsException ResolveFailed(string source, Exception inner) => new(
        $"Getting AWS credentials from {source} failed: {inner.Message} {HowToConfigure}", inner);
}
