using Amazon.Runtime;
using Microsoft.Extensions.Time.Testing;
using Tiered.Functions;
using Tiered.Providers.AwsLambda.Signing;
using Xunit;

namespace Tiered.Providers.AwsLambda.Tests;

/// <summary>
/// Credentials: the SDK's default chain (environment variables set in-process and restored), static keys, profiles, the clear
/// error when nothing is configured, and the cache's refresh of expiring credentials. These change process-wide environment
/// variables, so they run alone.
/// </summary>
[Collection(EnvironmentCollection.Name)]
public sealed class AwsCredentialsProviderTests
{
    [Fact]
    public async Task Environment_credentials_resolve_through_the_default_chain()
    {
        using var _ = new EnvironmentScope(("AWS_ACCESS_KEY_ID", "AKIDFROMENV"), ("AWS_SECRET_ACCESS_KEY", "env/secret"), ("AWS_SESSION_TOKEN", "env-token"));
        using var provider = AwsCredentialsProvider.DefaultChain();

        var credentials = await provider.GetCredentialsAsync();

        Assert.Equal("AKIDFROMENV", credentials.AccessKeyId);
        Assert.Equal("env/secret", credentials.SecretAccessKey);
        Assert.Equal("env-token", credentials.SessionToken);
        Assert.Equal("the default AWS credential chain", provider.Source);
        Assert.DoesNotContain("env/secret", credentials.ToString());
    }

    [Fact]
    public async Task Options_without_keys_or_profile_use_the_default_chain()
    {
        using var _ = new EnvironmentScope(("AWS_ACCESS_KEY_ID", "AKIDFROMENV2"), ("AWS_SECRET_ACCESS_KEY", "env-secret-2"));
        using var provider = AwsCredentialsProvider.FromOptions(new AwsLambdaOptions { Region = "us-east-1", FunctionCount = 1 });

        var credentials = await provider.GetCredentialsAsync();

        Assert.Equal("AKIDFROMENV2", credentials.AccessKeyId);
        Assert.Null(credentials.SessionToken);
    }

    [Fact]
    public async Task Static_credentials_override_the_chain()
    {
        using var _ = new EnvironmentScope(("AWS_ACCESS_KEY_ID", "AKIDFROMENV"), ("AWS_SECRET_ACCESS_KEY", "env-secret"));
        var options = new AwsLambdaOptions { Region = "us-east-1", FunctionCount = 1, AccessKeyId = "AKIDSTATIC", SecretAccessKey = "static-secret", SessionToken = "static-token" };
        using var provider = AwsCredentialsProvider.FromOptions(options);

        var credentials = await provider.GetCredentialsAsync();

        Assert.Equal(("AKIDSTATIC", "static-secret", "static-token"), (credentials.AccessKeyId, credentials.SecretAccessKey, credentials.SessionToken));
        Assert.Null(credentials.Expiration);
        using var backend = new AwsLambdaFunctionBackend(options);
        Assert.Equal("static credentials (AKIDSTATIC)", backend.CredentialsSource);
    }

    [Fact]
    public async Task Missing_credentials_are_an_error_saying_how_to_configure_them()
    {
        using var _ = new EnvironmentScope(TestEnvironment.CredentialVariables.Select(v => (v, (string?)null)).ToArray());
        using var provider = AwsCredentialsProvider.DefaultChain();

        var e = await Assert.ThrowsAsync<AwsCredentialsException>(() => provider.GetCredentialsAsync().AsTask());

        Assert.Contains("No AWS credentials were found by the default AWS credential chain", e.Message);
        Assert.Contains("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY", e.Message);
        Assert.Contains("AWS_PROFILE or Tiered:Backend:AwsLambda:ProfileName", e.Message);
        Assert.Contains("Tiered:Backend:AwsLambda:AccessKeyId and Tiered:Backend:AwsLambda:SecretAccessKey", e.Message);
        Assert.IsAssignableFrom<AmazonClientException>(e.InnerException);
    }

    [Fact]
    public async Task An_invocation_without_credentials_fails_before_sending_anything()
    {
        using var _ = new EnvironmentScope(TestEnvironment.CredentialVariables.Select(v => (v, (string?)null)).ToArray());
        await using var server = LoopbackLambdaServer.Scripted(ScriptedResponse.Json(200, "{}"));
        using var backend = new AwsLambdaFunctionBackend(new AwsLambdaOptions { Region = "us-east-1", ServiceUrl = server.Url.ToString(), FunctionCount = 1 });

        var e = await Assert.ThrowsAsync<AwsCredentialsException>(() => backend.InvokeAsync(new FunctionInvocation("tiered-node-000", "{}"u8.ToArray())));

        Assert.Contains("AWS_ACCESS_KEY_ID", e.Message);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task A_named_profile_resolves_from_its_credentials_file()
    {
        string file = WriteCredentialsFile("[tiered-test]\naws_access_key_id = AKIDPROFILE\naws_secret_access_key = profile/secret\n");
        using var provider = AwsCredentialsProvider.FromOptions(new AwsLambdaOptions { Region = "us-east-1", FunctionCount = 1, ProfileName = "tiered-test", ProfilesLocation = file });

        var credentials = await provider.GetCredentialsAsync();

        Assert.Equal(("AKIDPROFILE", "profile/secret"), (credentials.AccessKeyId, credentials.SecretAccessKey));
        Assert.Equal("the AWS profile 'tiered-test'", provider.Source);
    }

    [Fact]
    public async Task A_missing_profile_is_an_error_naming_it()
    {
        string file = WriteCredentialsFile("[other]\naws_access_key_id = AKIDOTHER\naws_secret_access_key = other\n");
        using var provider = AwsCredentialsProvider.FromProfile("nope", file);

        var e = await Assert.ThrowsAsync<AwsCredentialsException>(() => provider.GetCredentialsAsync().AsTask());

        Assert.Contains("The AWS profile 'nope' (Tiered:Backend:AwsLambda:ProfileName) was not found", e.Message);
        Assert.Contains(file, e.Message);
    }

    [Fact]
    public async Task SDK_credentials_objects_are_wrapped_with_their_token()
    {
        using var provider = AwsCredentialsProvider.FromSdk(new SessionAWSCredentials("AKIDSESSION", "session-secret", "session-token"));

        var credentials = await provider.GetCredentialsAsync();

        Assert.Equal(("AKIDSESSION", "session-token"), (credentials.AccessKeyId, credentials.SessionToken));
    }

    [Fact]
    public async Task Expiring_credentials_are_refreshed_before_they_expire()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        int calls = 0;
        using var provider = new AwsCredentialsProvider("test", _ =>
        {
            int n = Interlocked.Increment(ref calls);
            return Task.FromResult(new AwsCredentials($"ASIA{n}", "secret", "token", time.GetUtcNow() + TimeSpan.FromHours(1)));
        }, time);

        Assert.Equal("ASIA1", (await provider.GetCredentialsAsync()).AccessKeyId);
        time.Advance(TimeSpan.FromMinutes(54));
        Assert.Equal("ASIA1", (await provider.GetCredentialsAsync()).AccessKeyId);   // 6 minutes left: still cached
        time.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal("ASIA2", (await provider.GetCredentialsAsync()).AccessKeyId);   // inside the 5-minute window: refreshed
        Assert.Equal(2, calls);
    }

    [Fact]
    public async Task Credentials_without_expiry_are_looked_up_again_after_the_cache_duration()
    {
        var time = new FakeTimeProvider();
        int calls = 0;
        using var provider = new AwsCredentialsProvider("test", _ => Task.FromResult(new AwsCredentials($"AKID{Interlocked.Increment(ref calls)}", "secret")), time);

        await provider.GetCredentialsAsync();
        time.Advance(AwsCredentialsProvider.NonExpiringCacheDuration - TimeSpan.FromSeconds(1));
        Assert.Equal("AKID1", (await provider.GetCredentialsAsync()).AccessKeyId);
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal("AKID2", (await provider.GetCredentialsAsync()).AccessKeyId);
    }

    [Fact]
    public async Task A_failed_refresh_keeps_serving_credentials_that_are_still_valid()
    {
        var time = new FakeTimeProvider();
        var expires = time.GetUtcNow() + TimeSpan.FromHours(1);
        int calls = 0;
        using var provider = new AwsCredentialsProvider("test", _ => Interlocked.Increment(ref calls) == 1
            ? Task.FromResult(new AwsCredentials("ASIAFIRST", "secret", "token", expires))
            : Task.FromException<AwsCredentials>(new AwsCredentialsException("STS is unreachable")), time);

        await provider.GetCredentialsAsync();
        time.Advance(TimeSpan.FromMinutes(57));
        Assert.Equal("ASIAFIRST", (await provider.GetCredentialsAsync()).AccessKeyId);   // refresh failed, still valid
        time.Advance(TimeSpan.FromMinutes(4));
        var e = await Assert.ThrowsAsync<AwsCredentialsException>(() => provider.GetCredentialsAsync().AsTask());   // expired now
        Assert.Contains("STS is unreachable", e.Message);
    }

    [Fact]
    public async Task Concurrent_callers_share_one_lookup()
    {
        var release = new TaskCompletionSource<AwsCredentials>(TaskCreationOptions.RunContinuationsAsynchronously);
        int calls = 0;
        using var provider = new AwsCredentialsProvider("test", _ =>
        {
            Interlocked.Increment(ref calls);
            return release.Task;
        });

        var waiting = Enumerable.Range(0, 16).Select(_ => provider.GetCredentialsAsync().AsTask()).ToArray();
        release.SetResult(new AwsCredentials("AKIDSHARED", "secret"));
        var all = await Task.WhenAll(waiting);

        Assert.All(all, c => Assert.Equal("AKIDSHARED", c.AccessKeyId));
        Assert.Equal(1, calls);
    }

    private static string WriteCredentialsFile(string content)
    {
        string dir = Directory.CreateTempSubdirectory("tiered-aws-profile-").FullName;
        string file = Path.Combine(dir, "credentials");
        File.WriteAllText(file, content);
        return file;
    }

    /// <summary>Sets environment variables for one test and restores the previous values.</summary>
    private sealed class EnvironmentScope : IDisposable
    {
        private readonly List<(string Name, string? Value)> _previous = [];

        public EnvironmentScope(params (string Name, string? Value)[] variables)
        {
            foreach (var (name, value) in variables)
            {
                _previous.Add((name, Environment.GetEnvironmentVariable(name)));
                Environment.SetEnvironmentVariable(name, value);
            }
        }

        public void Dispose()
        {
            foreach (var (name, value) in _previous) Environment.SetEnvironmentVariable(name, value);
        }
    }
}
