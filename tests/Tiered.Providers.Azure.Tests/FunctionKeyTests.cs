using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Identity;
using Azure.Security.KeyVault.Secrets;

namespace Tiered.Providers.Azure.Tests;

/// <summary>Function keys: from configuration, from a secret store (cached, refreshed on 401), and the Key Vault source's errors.</summary>
public sealed class FunctionKeyTests
{
    [Fact]
    public async Task Configured_keys_prefer_the_per_function_key_and_never_change()
    {
        var keys = FunctionKeyProvider.Configured("shared", new Dictionary<string, string> { ["Node-B"] = "own" });

        Assert.Equal("shared", await keys.GetKeyAsync("node-a"));
        Assert.Equal("own", await keys.GetKeyAsync("node-b"));   // app names are case-insensitive
        Assert.False(keys.Invalidate("node-a", "shared"));
        Assert.Null(await FunctionKeyProvider.Configured(null).GetKeyAsync("node-a"));
    }

    [Fact]
    public void FromOptions_picks_configuration_or_Key_Vault()
    {
        Assert.Equal("configuration (FunctionKey)", FunctionKeyProvider.FromOptions(new AzureFunctionsOptions { FunctionKey = "k" }).Source);
        Assert.Equal("configuration (FunctionKeys)", FunctionKeyProvider.FromOptions(new AzureFunctionsOptions { FunctionKeys = { ["a"] = "k" } }).Source);
        var vault = FunctionKeyProvider.FromOptions(new AzureFunctionsOptions { KeyVaultUri = "https://contoso-tiered.vault.azure.net/", KeyVaultSecretName = "{function}-key" });
        Assert.Equal("the secret '{function}-key' in Azure Key Vault contoso-tiered.vault.azure.net", vault.Source);
        var fake = FunctionKeyProvider.FromOptions(new AzureFunctionsOptions { KeyVaultUri = "https://x.vault.azure.net/", KeyVaultSecretName = "k" }, new FakeSecretSource());
        Assert.Equal("the secret 'k' in the fake vault", fake.Source);
        Assert.Throws<AzureFunctionKeyException>(() => FunctionKeyProvider.FromOptions(new AzureFunctionsOptions { KeyVaultUri = "https://x.vault.azure.net/" }));
    }

    [Fact]
    public async Task A_secret_is_read_once_then_again_only_after_Invalidate_with_the_key_that_was_refused()
    {
        var secrets = new FakeSecretSource().With("k", "v1", "v2", "v3");
        var keys = FunctionKeyProvider.FromSecrets(secrets, "k");

        Assert.Equal("v1", await keys.GetKeyAsync("a"));
        Assert.Equal("v1", await keys.GetKeyAsync("b"));
        Assert.Equal(1, keys.SecretReads);

        Assert.True(keys.Invalidate("a", "v1"));
        Assert.True(keys.Invalidate("b", "v1"));   // a second caller refused the same key: already dropped, still worth a retry
        Assert.Equal("v2", await keys.GetKeyAsync("b"));
        Assert.True(keys.Invalidate("a", "v1"));   // a late 401 for the old key does not drop the new one
        Assert.Equal("v2", await keys.GetKeyAsync("a"));
        Assert.Equal(2, keys.SecretReads);
    }

    [Fact]
    public async Task A_failed_read_is_not_cached_and_a_foreign_exception_is_wrapped()
    {
        var secrets = new FakeSecretSource { Failure = new HttpRequestException("no route to vault") }.With("k", "v");
        var keys = FunctionKeyProvider.FromSecrets(secrets, "k");

        var e = await Assert.ThrowsAsync<AzureFunctionKeyException>(() => keys.GetKeyAsync("a").AsTask());
        Assert.Equal("Reading the function key from the secret 'k' in the fake vault failed: no route to vault", e.Message);

        secrets.Failure = null;
        Assert.Equal("v", await keys.GetKeyAsync("a"));
        Assert.Equal(2, keys.SecretReads);
    }

    [Fact]
    public async Task A_caller_that_gives_up_does_not_spoil_the_shared_read()
    {
        var secrets = new FakeSecretSource { Latency = TimeSpan.FromMilliseconds(300) }.With("k", "v");
        var keys = FunctionKeyProvider.FromSecrets(secrets, "k");
        using var impatient = new CancellationTokenSource(TimeSpan.FromMilliseconds(20));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => keys.GetKeyAsync("a", impatient.Token).AsTask());
        Assert.Equal("v", await keys.GetKeyAsync("a"));
        Assert.Equal(1, keys.SecretReads);
    }

    [Fact]
    public async Task Key_Vault_returns_the_secret_value()
    {
        var vault = new FakeVault((path, _) => path.TrimEnd('/') == "/secrets/tiered-node-key"
            ? (HttpStatusCode.OK, """{"value":"the-key","id":"https://contoso-tiered.vault.azure.net/secrets/tiered-node-key/abc","attributes":{"enabled":true}}""")
            : (HttpStatusCode.NotFound, "{}"));
        var source = vault.Source();

        Assert.Equal("the-key", await source.GetSecretAsync("tiered-node-key"));
        Assert.Equal("Azure Key Vault contoso-tiered.vault.azure.net", source.Description);
        Assert.Contains(vault.Authorizations, a => a == "Bearer fake-token");
    }

    [Fact]
    public async Task A_missing_secret_says_how_to_create_it()
    {
        var source = new FakeVault((_, _) => (HttpStatusCode.NotFound,
            """{"error":{"code":"SecretNotFound","message":"A secret with (name/id) tiered-node-key was not found in this key vault."}}""")).Source();

        var e = await Assert.ThrowsAsync<AzureFunctionKeyException>(() => source.GetSecretAsync("tiered-node-key"));

        Assert.StartsWith("The secret 'tiered-node-key' does not exist in Azure Key Vault contoso-tiered.vault.azure.net (Tiered:Backend:Azure:KeyVaultSecretName). " +
            "Create it with 'az keyvault secret set --vault-name contoso-tiered --name tiered-node-key --value <function key>'.", e.Message);
    }

    [Fact]
    public async Task A_forbidden_read_names_the_role_the_identity_needs()
    {
        var source = new FakeVault((_, _) => (HttpStatusCode.Forbidden,
            """{"error":{"code":"Forbidden","message":"Caller is not authorized to perform action on resource."}}""")).Source();

        var e = await Assert.ThrowsAsync<AzureFunctionKeyException>(() => source.GetSecretAsync("tiered-node-key"));

        Assert.Contains("Azure Key Vault contoso-tiered.vault.azure.net refused to read the secret 'tiered-node-key' (403 Forbidden): the proxy's identity needs the 'Key Vault Secrets User' role", e.Message);
    }

    [Fact]
    public async Task No_identity_says_what_DefaultAzureCredential_tried()
    {
        var source = new FakeVault((_, _) => (HttpStatusCode.OK, "{}")) { TokenFailure = new AuthenticationFailedException("no managed identity endpoint") }.Source();

        var e = await Assert.ThrowsAsync<AzureFunctionKeyException>(() => source.GetSecretAsync("tiered-node-key"));

        Assert.StartsWith("No Azure identity to read the secret 'tiered-node-key' from Azure Key Vault contoso-tiered.vault.azure.net: DefaultAzureCredential tried", e.Message);
        Assert.EndsWith("no managed identity endpoint", e.Message);
    }

    /// <summary>
    /// Key Vault behind an <see cref="HttpMessageHandler"/>: the first request of a client (no token) gets Key Vault's 401 bearer
    /// challenge, as the service does; requests with a token get what the test says.
    /// </summary>
    private sealed class FakeVault(Func<string, string?, (HttpStatusCode Status, string Json)> answer) : HttpMessageHandler
    {
        public ConcurrentQueue<string> Authorizations { get; } = new();

        public Exception? TokenFailure { get; init; }

        public KeyVaultSecretSource Source()
        {
            var options = new SecretClientOptions { Transport = new HttpClientTransport(this) };
            options.Retry.MaxRetries = 0;
            return new KeyVaultSecretSource(new Uri("https://contoso-tiered.vault.azure.net/"), new FakeCredential(this), clientOptions: options);
        }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            string? authorization = request.Headers.Authorization?.ToString();
            if (authorization is null)
            {
                var challenge = new HttpResponseMessage(HttpStatusCode.Unauthorized) { Content = new StringContent("") };
                challenge.Headers.TryAddWithoutValidation("WWW-Authenticate",
                    "Bearer authorization=\"https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47\", resource=\"https://vault.azure.net\"");
                return Task.FromResult(challenge);
            }
            Authorizations.Enqueue(authorization);
            var (status, json) = answer(request.RequestUri!.AbsolutePath, authorization);
            return Task.FromResult(new HttpResponseMessage(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") });
        }

        private sealed class FakeCredential(FakeVault vault) : TokenCredential
        {
            public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
                vault.TokenFailure is { } failure ? throw failure : new AccessToken("fake-token", DateTimeOffset.UtcNow.AddHours(1));

            public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
                ValueTask.FromResult(GetToken(requestContext, cancellationToken));
        }
    }
}
