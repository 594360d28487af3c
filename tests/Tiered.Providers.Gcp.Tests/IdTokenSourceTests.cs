using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Tiered.Functions;
using Tiered.Providers.Gcp.Auth;

namespace Tiered.Providers.Gcp.Tests;

/// <summary>Token caching on a fake clock, the metadata server source against a fake metadata server, and Google.Apis.Auth with a key file.</summary>
public sealed class IdTokenSourceTests
{
    private const string Audience = "https://tiered-node-000-123456789012.us-central1.run.app";

    [Fact]
    public void The_expiry_of_a_JWT_is_its_exp_claim_and_ToString_never_shows_the_token()
    {
        var expires = new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero);
        string jwt = TestJwt.Create(Audience, expires);

        var token = GoogleIdToken.FromJwt(jwt, Audience, DateTimeOffset.UnixEpoch);

        Assert.Equal(expires, token.ExpiresAt);
        Assert.Equal(expires, GoogleIdToken.ReadExpiry(jwt));
        Assert.DoesNotContain(jwt, token.ToString());
        Assert.DoesNotContain(jwt.Split('.')[1], token.ToString());
        Assert.Contains(Audience, token.ToString());
    }

    [Theory]
    [InlineData("not-a-jwt")]
    [InlineData("a.b.c")]
    [InlineData("eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.")]   // no exp
    public void A_token_without_a_readable_exp_lives_an_hour(string value)
    {
        var now = new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);
        Assert.Null(GoogleIdToken.ReadExpiry(value));
        Assert.Equal(now + TimeSpan.FromHours(1), GoogleIdToken.FromJwt(value, Audience, now).ExpiresAt);
    }

    [Fact]
    public async Task A_cached_token_is_reused_until_the_refresh_margin_before_it_expires()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var inner = new RecordingTokenSource(time);
        using var cache = new CachingIdTokenSource(inner, time, TimeSpan.FromMinutes(5));

        var first = await cache.GetTokenAsync(Audience);
        time.Advance(TimeSpan.FromMinutes(54));
        Assert.Same(first, await cache.GetTokenAsync(Audience));
        Assert.Equal(1, inner.Calls);

        time.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));   // 55 min 1 s: inside the 5-minute margin of the hour
        var second = await cache.GetTokenAsync(Audience);
        Assert.NotSame(first, second);
        Assert.Equal(2, inner.Calls);
        Assert.Equal(time.GetUtcNow() + TimeSpan.FromHours(1), second.ExpiresAt);
        Assert.Same(second, await cache.GetTokenAsync(Audience));
    }

    [Fact]
    public async Task Audiences_are_cached_apart_and_Invalidate_drops_one()
    {
        var time = new FakeTimeProvider();
        var inner = new RecordingTokenSource(time);
        using var cache = new CachingIdTokenSource(inner, time);

        var a = await cache.GetTokenAsync("https://a.run.app");
        var b = await cache.GetTokenAsync("https://b.run.app");
        Assert.NotEqual(a.Value, b.Value);
        Assert.Equal("https://b.run.app", b.Audience);
        Assert.Equal(2, inner.Calls);

        cache.Invalidate("https://a.run.app");
        Assert.Null(cache.Cached("https://a.run.app"));
        Assert.NotSame(a, await cache.GetTokenAsync("https://a.run.app"));
        Assert.Same(b, await cache.GetTokenAsync("https://b.run.app"));
        Assert.Equal(3, inner.Calls);
    }

    [Fact]
    public async Task Concurrent_callers_share_one_fetch()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var inner = new GatedTokenSource(release.Task);
        using var cache = new CachingIdTokenSource(inner);

        var callers = Enumerable.Range(0, 20).Select(_ => cache.GetTokenAsync(Audience)).ToArray();
        release.SetResult();
        var tokens = await Task.WhenAll(callers).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(1, inner.Calls);
        Assert.All(tokens, t => Assert.Same(tokens[0], t));
    }

    [Fact]
    public async Task A_failed_refresh_serves_the_cached_token_until_it_expires_then_fails()
    {
        var time = new FakeTimeProvider();
        var inner = new RecordingTokenSource(time);
        using var cache = new CachingIdTokenSource(inner, time, TimeSpan.FromMinutes(5));
        var stale = new List<string>();
        cache.ServedStale = (audience, _, _) => stale.Add(audience);
        var token = await cache.GetTokenAsync(Audience);

        inner.Failure = new GcpCredentialsException("the metadata server is down");
        time.Advance(TimeSpan.FromMinutes(57));
        Assert.Same(token, await cache.GetTokenAsync(Audience));
        Assert.Equal([Audience], stale);

        time.Advance(TimeSpan.FromMinutes(3));   // now expired
        var e = await Assert.ThrowsAsync<GcpCredentialsException>(() => cache.GetTokenAsync(Audience));
        Assert.Contains("metadata server is down", e.Message);

        inner.Failure = null;                    // and it recovers on the next call
        Assert.NotSame(token, await cache.GetTokenAsync(Audience));
    }

    [Fact]
    public async Task A_static_token_never_expires()
    {
        var time = new FakeTimeProvider();
        using var cache = new CachingIdTokenSource(new StaticIdTokenSource("local-secret"), time);

        var token = await cache.GetTokenAsync(Audience);
        time.Advance(TimeSpan.FromDays(400));

        Assert.Same(token, await cache.GetTokenAsync(Audience));
        Assert.Equal("local-secret", token.Value);
        Assert.Equal(DateTimeOffset.MaxValue, token.ExpiresAt);
    }

    [Fact]
    public async Task The_metadata_server_source_asks_for_the_audience_with_Metadata_Flavor()
    {
        var expires = DateTimeOffset.UtcNow.AddHours(1);
        await using var metadata = new LoopbackHttpServer((request, _) => Task.FromResult(
            request.Header("Metadata-Flavor") == "Google"
                ? ScriptedResponse.Text(200, TestJwt.Create(request.QueryValue("audience")!, expires), ("Metadata-Flavor", "Google"), ("Content-Type", "application/text"))
                : ScriptedResponse.Text(403, "Missing Metadata-Flavor:Google header.")));
        using var source = new MetadataServerIdTokenSource(metadata.Url.ToString());

        var token = await source.GetTokenAsync(Audience);

        var request = Assert.Single(metadata.Requests);
        Assert.Equal("GET", request.Method);
        Assert.Equal("/computeMetadata/v1/instance/service-accounts/default/identity", request.Path);
        Assert.Equal(Audience, request.QueryValue("audience"));
        Assert.Equal(expires.ToUnixTimeSeconds(), token.ExpiresAt.ToUnixTimeSeconds());
        Assert.Equal(Audience, token.Audience);
        Assert.Contains("metadata server", source.Source);
    }

    [Fact]
    public async Task A_metadata_server_answering_404_is_a_GcpCredentialsException_naming_the_account()
    {
        await using var metadata = LoopbackHttpServer.Scripted(ScriptedResponse.Text(404, "Not Found"));
        using var source = new MetadataServerIdTokenSource(metadata.Url.ToString(), serviceAccount: "proxy@p.iam.gserviceaccount.com");

        var e = await Assert.ThrowsAsync<GcpCredentialsException>(() => source.GetTokenAsync(Audience));

        Assert.Contains("404", e.Message);
        Assert.Contains("no service account 'proxy@p.iam.gserviceaccount.com'", e.Message);
        Assert.Equal("/computeMetadata/v1/instance/service-accounts/proxy%40p.iam.gserviceaccount.com/identity", Assert.Single(metadata.Requests).Path);
    }

    [Fact]
    public async Task An_unreachable_metadata_server_is_a_GcpCredentialsException_saying_where_it_exists()
    {
        var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        int port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        using var source = new MetadataServerIdTokenSource($"http://127.0.0.1:{port}");

        var e = await Assert.ThrowsAsync<GcpCredentialsException>(() => source.GetTokenAsync(Audience));

        Assert.Contains("could not be reached", e.Message);
        Assert.Contains("only on Google Cloud", e.Message);
    }

    [Fact]
    public async Task The_backend_on_the_metadata_server_sends_its_tokens_to_the_function()
    {
        await using var metadata = new LoopbackHttpServer((request, _) =>
            Task.FromResult(ScriptedResponse.Text(200, TestJwt.Create(request.QueryValue("audience")!, DateTimeOffset.UtcNow.AddHours(1)), ("Metadata-Flavor", "Google"))));
        await using var function = LoopbackHttpServer.Scripted(ScriptedResponse.Summary("i-md"));
        using var test = new TestBackend(function, o =>
        {
            o.StaticIdToken = null;
            o.CredentialSource = GcpCredentialSource.MetadataServer;
            o.MetadataServerUrl = metadata.Url.ToString();
        });

        var result = await test.Backend.InvokeAsync(new FunctionInvocation("tiered-node-000", "{}"u8.ToArray()), Timeout());
        await test.Backend.InvokeAsync(new FunctionInvocation("tiered-node-001", "{}"u8.ToArray()), Timeout());

        Assert.True(result.Succeeded);
        string audience = function.Url.ToString().TrimEnd('/');
        Assert.Equal(audience, Assert.Single(metadata.Requests).QueryValue("audience"));   // one token, cached, for the shared audience
        foreach (var request in function.Requests)
        {
            using var claims = JsonDocument.Parse(Base64Url(request.Bearer!.Split('.')[1]));
            Assert.Equal(audience, claims.RootElement.GetProperty("aud").GetString());
        }
        Assert.StartsWith("the metadata server", test.Backend.CredentialSource);
    }

    [Fact]
    public async Task A_service_account_key_file_mints_ID_tokens_through_Google_Apis_Auth()
    {
        using var rsa = RSA.Create(2048);
        string? assertion = null, grantType = null;
        await using var tokenEndpoint = new LoopbackHttpServer((request, _) =>
        {
            var form = request.BodyText.Split('&').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => Uri.UnescapeDataString(p[1].Replace('+', ' ')));
            grantType = form.GetValueOrDefault("grant_type");
            assertion = form.GetValueOrDefault("assertion");
            using var claims = JsonDocument.Parse(Base64Url(assertion!.Split('.')[1]));
            string audience = claims.RootElement.GetProperty("target_audience").GetString()!;
            string idToken = TestJwt.Create(audience, DateTimeOffset.UtcNow.AddHours(1), claims.RootElement.GetProperty("iss").GetString()!);
            return Task.FromResult(ScriptedResponse.Json(200, $$"""{"id_token":"{{idToken}}"}"""));
        });
        string keyFile = Path.Combine(Directory.CreateTempSubdirectory("tiered-gcp-key-").FullName, "key.json");
        await File.WriteAllTextAsync(keyFile, JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["type"] = "service_account",
            ["project_id"] = "tiered-test",
            ["private_key_id"] = "0123456789abcdef",
            ["private_key"] = rsa.ExportPkcs8PrivateKeyPem(),
            ["client_email"] = "proxy@tiered-test.iam.gserviceaccount.com",
            ["client_id"] = "1234567890",
            ["token_uri"] = new Uri(tokenEndpoint.Url, "token").ToString(),
        }));
        var source = GoogleCredentialIdTokenSource.FromServiceAccountKeyFile(keyFile);

        var token = await source.GetTokenAsync(Audience, Timeout());

        Assert.Equal("urn:ietf:params:oauth:grant-type:jwt-bearer", grantType);
        Assert.NotNull(assertion);
        var parts = assertion!.Split('.');
        Assert.True(rsa.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), Base64Url(parts[2]), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
            "the assertion is signed with the key file's private key");
        using var idClaims = JsonDocument.Parse(Base64Url(token.Value.Split('.')[1]));
        Assert.Equal(Audience, idClaims.RootElement.GetProperty("aud").GetString());
        Assert.Equal("proxy@tiered-test.iam.gserviceaccount.com", idClaims.RootElement.GetProperty("email").GetString());
        Assert.InRange(token.ExpiresAt, DateTimeOffset.UtcNow.AddMinutes(55), DateTimeOffset.UtcNow.AddMinutes(65));
        Assert.Contains(keyFile, source.Source);
        Assert.Equal("/token", Assert.Single(tokenEndpoint.Requests).Path);
    }

    [Fact]
    public async Task A_missing_key_file_is_a_GcpCredentialsException_naming_it()
    {
        string missing = Path.Combine(Path.GetTempPath(), "tiered-no-such-key-" + Guid.NewGuid().ToString("N") + ".json");
        var source = GoogleCredentialIdTokenSource.FromServiceAccountKeyFile(missing);

        var e = await Assert.ThrowsAsync<GcpCredentialsException>(() => source.GetTokenAsync(Audience, Timeout()));

        Assert.Contains(missing, e.Message);
        Assert.Contains("GOOGLE_APPLICATION_CREDENTIALS", e.Message);
    }

    [Fact]
    public void The_options_choose_the_source()
    {
        Assert.IsType<StaticIdTokenSource>(IdTokenSources.FromOptions(new CloudRunFunctionOptions { StaticIdToken = "t" }));
        using (var metadata = Assert.IsType<MetadataServerIdTokenSource>(IdTokenSources.FromOptions(new CloudRunFunctionOptions
        {
            CredentialSource = GcpCredentialSource.MetadataServer,
            MetadataServerUrl = "http://127.0.0.1:8999",
        })))
            Assert.Equal(new Uri("http://127.0.0.1:8999/"), metadata.ServerUrl);
        Assert.Contains("key.json", IdTokenSources.FromOptions(new CloudRunFunctionOptions { ServiceAccountKeyFile = "/secrets/key.json" }).Source);
        Assert.Equal("application default credentials", IdTokenSources.FromOptions(new CloudRunFunctionOptions()).Source);
    }

    private static byte[] Base64Url(string value)
    {
        string s = value.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s + new string('=', (4 - s.Length % 4) % 4));
    }

    private static CancellationToken Timeout(int seconds = 30) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;

    private sealed class GatedTokenSource(Task gate) : IIdTokenSource
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public string Source => "gated";

        public async Task<GoogleIdToken> GetTokenAsync(string audience, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _calls);
            await gate;
            return new GoogleIdToken(TestJwt.Create(audience, DateTimeOffset.UtcNow.AddHours(1)), audience, DateTimeOffset.UtcNow.AddHours(1));
        }
    }
}
