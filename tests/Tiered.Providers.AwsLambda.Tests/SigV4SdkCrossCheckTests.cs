using System.Globalization;
using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Endpoints;
using Amazon.Runtime.Internal;
using Amazon.Runtime.Internal.Auth;
using Tiered.Providers.AwsLambda.Signing;
using Xunit;

namespace Tiered.Providers.AwsLambda.Tests;

/// <summary>
/// Our signer against AWSSDK.Core 4.1.0's <see cref="AWS4Signer"/> on the exact requests the backend sends: the SDK's full
/// <c>SignRequest</c> pipeline (which always adds <c>X-Amz-Content-SHA256</c>, so our signer is asked to add it too), its
/// protected canonicalization helpers for the backend's own header set (no content hash header), and its session-token path.
/// </summary>
public sealed class SigV4SdkCrossCheckTests
{
    private const string AccessKey = "AKIDEXAMPLE";
    private const string SecretKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    private static readonly DateTime SignedAt = new(2024, 2, 29, 23, 59, 58, DateTimeKind.Utc);
    private static readonly byte[] Payload = """{"proxyHost":"203.0.113.7","proxyPort":6381,"nodeId":"tiered-node-000","token":"AAECAw==","kind":"Serve","idleTimeout":"00:00:30"}"""u8.ToArray();

    public static TheoryData<string, string, string?, bool> Requests() => new()
    {
        { "us-east-1", "tiered-node-000", null, false },
        { "us-east-1", "arn:aws:lambda:us-east-1:123456789012:function:tiered-node-007", "$LATEST", false },
        { "eu-west-1", "tiered-node-011", "live", true },
        { "ap-southeast-2", "123456789012:function:my_func-1", "7", false },
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public void Authorization_equals_AWS4Signer_SignRequest(string region, string function, string? qualifier, bool isEvent)
    {
        var (uri, request) = BackendRequest(region, function, qualifier, isEvent);
        using var _ = request;
        var sdkRequest = SdkRequest(uri, function, qualifier, request);
        var ours = new SigV4Signer(region, "lambda") { AddContentSha256Header = true }
            .Sign(request, SigV4Signer.HashPayload(Payload), new AwsCredentials(AccessKey, SecretKey), SignedAt);

        var sdk = new AWS4Signer().SignRequest(sdkRequest, Config(region), null, AccessKey, SecretKey, SignedAt);

        Assert.Equal(sdk.ForAuthorizationHeader, ours.Authorization);
        Assert.Equal(sdkRequest.Headers["X-Amz-Content-SHA256"], request.Headers.GetValues("x-amz-content-sha256").Single());
    }

    [Theory]
    [MemberData(nameof(Requests))]
    public void The_backends_own_header_set_matches_the_SDKs_canonicalization(string region, string function, string? qualifier, bool isEvent)
    {
        var (uri, request) = BackendRequest(region, function, qualifier, isEvent);
        using var _ = request;
        var sdkRequest = SdkRequest(uri, function, qualifier, request);
        var ours = new SigV4Signer(region, "lambda").Sign(request, SigV4Signer.HashPayload(Payload), new AwsCredentials(AccessKey, SecretKey), SignedAt);
        Assert.DoesNotContain("x-amz-content-sha256", ours.SignedHeaders);

        sdkRequest.Headers["host"] = uri.Host;
        sdkRequest.Headers["X-Amz-Date"] = SignedAt.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var (canonical, signedHeaders) = SdkHelpers.Canonicalize(sdkRequest, SigV4Signer.HashPayload(Payload));
        var sdk = AWS4Signer.ComputeSignature(AccessKey, SecretKey, region, SignedAt, "lambda", signedHeaders, canonical);

        Assert.Equal(canonical, ours.CanonicalRequest);
        Assert.Equal(sdk.ForAuthorizationHeader, ours.Authorization);
    }

    [Fact]
    public void A_session_token_is_signed_as_AWS4Signer_signs_it()
    {
        const string token = "IQoJb3JpZ2luX2VjEXAMPLE//////////wEaCXVzLWVhc3QtMSJHMEUCIQD+session/token+with=padding==";
        var (uri, request) = BackendRequest("us-east-1", "tiered-node-003", null, false);
        using var _ = request;
        var sdkRequest = SdkRequest(uri, "tiered-node-003", null, request);
        // As the SDK's pipeline does (its Signer handler sets the token header before calling the signer, so it is signed):
        var credentials = new SessionAWSCredentials(AccessKey, SecretKey, token).GetCredentials();
        sdkRequest.Headers["X-Amz-Security-Token"] = credentials.Token;
        new AWS4Signer().Sign(sdkRequest, Config("us-east-1"), null, new SessionAWSCredentials(AccessKey, SecretKey, token));
        var signedAt = DateTimeOffset.ParseExact(sdkRequest.Headers["X-Amz-Date"], "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

        var ours = new SigV4Signer("us-east-1", "lambda") { AddContentSha256Header = true }
            .Sign(request, SigV4Signer.HashPayload(Payload), new AwsCredentials(AccessKey, SecretKey, token), signedAt);

        Assert.Contains("x-amz-security-token", ours.SignedHeaders);
        Assert.Equal(token, request.Headers.GetValues("X-Amz-Security-Token").Single());
        Assert.Equal(sdkRequest.Headers["Authorization"], ours.Authorization);
    }

    /// <summary>The request the backend builds (same URI builder, same headers), unsigned.</summary>
    private static (Uri Uri, HttpRequestMessage Request) BackendRequest(string region, string function, string? qualifier, bool isEvent)
    {
        using var backend = new AwsLambdaFunctionBackend(new AwsLambdaOptions
        {
            Region = region, FunctionNames = [function], Qualifier = qualifier, AccessKeyId = AccessKey, SecretAccessKey = SecretKey,
        });
        var uri = backend.InvocationUri(function);
        Assert.Equal(new Uri($"https://lambda.{region}.amazonaws.com/"), backend.Endpoint);
        return (uri, AwsLambdaFunctionBackend.CreateRequest(uri, Payload, isEvent));
    }

    /// <summary>The same call as the SDK's Lambda marshaller would describe it: path resource, query parameter, headers, body.</summary>
    private static DefaultRequest SdkRequest(Uri uri, string function, string? qualifier, HttpRequestMessage ours)
    {
        var request = new DefaultRequest(new InvokeRequest(), "Lambda")
        {
            HttpMethod = "POST",
            Endpoint = new Uri(uri.GetLeftPart(UriPartial.Authority)),
            ResourcePath = "/2015-03-31/functions/{FunctionName}/invocations",
            Content = Payload,
            UseQueryString = true,
        };
        request.AddPathResource("{FunctionName}", function);
        if (qualifier is not null) request.Parameters["Qualifier"] = qualifier;
        foreach (var header in ours.Headers.Concat(ours.Content!.Headers))
            if (!header.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)) request.Headers[header.Key] = string.Join(", ", header.Value);
        return request;
    }

    private static LambdaLikeConfig Config(string region) => new()
    {
        RegionEndpoint = RegionEndpoint.GetBySystemName(region),
        AuthenticationRegion = region,
    };

    private sealed class InvokeRequest : AmazonWebServiceRequest;

    /// <summary>The smallest <see cref="ClientConfig"/> (AWSSDK.Lambda is not available here).</summary>
    private sealed class LambdaLikeConfig() : ClientConfig(new DefaultConfigurationProvider())
    {
        public override string ServiceVersion => "2015-03-31";
        public override string UserAgent => "tiered-tests";
        public override string RegionEndpointServiceName => "lambda";
        public override Endpoint DetermineServiceOperationEndpoint(ServiceOperationEndpointParameters parameters) =>
            new($"https://lambda.{RegionEndpoint.SystemName}.amazonaws.com");
    }

    private sealed class DefaultConfigurationProvider : IDefaultConfigurationProvider
    {
        public IDefaultConfiguration GetDefaultConfiguration(RegionEndpoint clientRegion, DefaultConfigurationMode? requestedConfigurationMode = null) => new StandardConfiguration();
    }

    private sealed class StandardConfiguration : IDefaultConfiguration
    {
        public DefaultConfigurationMode Name => DefaultConfigurationMode.Standard;
        public RequestRetryMode RetryMode => RequestRetryMode.Standard;
        public S3UsEast1RegionalEndpointValue S3UsEast1RegionalEndpoint => S3UsEast1RegionalEndpointValue.Regional;
        public TimeSpan? ConnectTimeout => null;
        public TimeSpan? TlsNegotiationTimeout => null;
        public TimeSpan? TimeToFirstByteTimeout => null;
        public TimeSpan? HttpRequestTimeout => null;
    }

    /// <summary>AWS4Signer's canonicalization helpers are <c>protected internal</c>: a subclass reaches them.</summary>
    private sealed class SdkHelpers : AWS4Signer
    {
        public static (string CanonicalRequest, string SignedHeaders) Canonicalize(IRequest request, string bodyHash)
        {
            var sorted = SortAndPruneHeaders(request.Headers);
            string query = CanonicalizeQueryParameters(GetParametersToCanonicalize(request));
            string canonical = CanonicalizeRequest(request.Endpoint, request.ResourcePath, request.HttpMethod, sorted, query, bodyHash, request.PathResources, request.UseDoubleEncoding);
            return (canonical, CanonicalizeHeaderNames(sorted));
        }
    }
}
