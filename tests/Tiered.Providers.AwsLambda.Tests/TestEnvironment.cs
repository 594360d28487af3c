using System.Runtime.CompilerServices;
using Xunit;

namespace Tiered.Providers.AwsLambda.Tests;

/// <summary>
/// Keeps the AWS SDK's credential chain inside this process: no EC2 metadata (169.254.169.254), no container or web-identity
/// endpoints, no credentials or profiles of the machine. The SDK reads the shared-file locations once per process, so this runs
/// before any test (a module initializer).
/// </summary>
internal static class TestEnvironment
{
    /// <summary>Where the shared credentials/config files are said to be: a directory that does not exist.</summary>
    public static readonly string MissingAwsDirectory = Path.Combine(Path.GetTempPath(), "tiered-aws-tests-" + Environment.ProcessId, "no-such-dir");

    /// <summary>Variables through which the chain could find credentials or dial out; cleared at start.</summary>
    public static readonly string[] CredentialVariables =
    [
        "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_ACCESS_KEY", "AWS_SECRET_KEY", "AWS_PROFILE", "AWS_DEFAULT_PROFILE",
        "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN", "AWS_ROLE_SESSION_NAME",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_AUTHORIZATION_TOKEN", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
    ];

#pragma warning disable CA2255 // a module initializer is exactly what is needed: before any test touches the SDK
    [ModuleInitializer]
    internal static void Initialize()
#pragma warning restore CA2255
    {
        Environment.SetEnvironmentVariable("AWS_EC2_METADATA_DISABLED", "true");
        Environment.SetEnvironmentVariable("AWS_SHARED_CREDENTIALS_FILE", Path.Combine(MissingAwsDirectory, "credentials"));
        Environment.SetEnvironmentVariable("AWS_CONFIG_FILE", Path.Combine(MissingAwsDirectory, "config"));
        foreach (var name in CredentialVariables) Environment.SetEnvironmentVariable(name, null);
    }

    /// <summary>The repository root: the first directory above the test binaries holding Tiered.sln.</summary>
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary>The SigV4 test suite: <c>../shared/vectors/sigv4</c> beside the repository.</summary>
    public static string SigV4VectorDirectory => Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "vectors", "sigv4"));

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Tiered.sln"))) return dir.FullName;
        throw new InvalidOperationException($"No directory above {AppContext.BaseDirectory} holds Tiered.sln.");
    }
}

/// <summary>Tests that change process-wide environment variables run alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class EnvironmentCollection
{
    public const string Name = "Process environment";
}
