using Tiered.Providers.AwsLambda.Signing;
using Xunit;

namespace Tiered.Providers.AwsLambda.Tests;

/// <summary>
/// Every header-signing case of the AWS SigV4 test suite (<c>../shared/vectors/sigv4</c>): the canonical request, the string to
/// sign and the signature must match exactly, and the signed request must carry the headers the signer adds. All cases are
/// supported (duplicate and multi-line headers, value trimming, normalized and unnormalized paths, UTF-8 paths and queries,
/// query ordering and encoding, body signing, a session token added after signing).
/// </summary>
public sealed class SigV4VectorTests
{
    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        if (Directory.Exists(TestEnvironment.SigV4VectorDirectory))
            foreach (var dir in Directory.GetDirectories(TestEnvironment.SigV4VectorDirectory).Order(StringComparer.Ordinal))
                if (File.Exists(Path.Combine(dir, "request.txt"))) data.Add(Path.GetFileName(dir));
        return data;
    }

    [Fact]
    public void The_test_suite_is_there()
    {
        Assert.True(Directory.Exists(TestEnvironment.SigV4VectorDirectory), $"Missing {TestEnvironment.SigV4VectorDirectory}");
        Assert.True(Cases().Count > 20, $"Only {Cases().Count} SigV4 cases found in {TestEnvironment.SigV4VectorDirectory}");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Header_signing_matches_the_test_suite(string name)
    {
        var vector = SigV4Vector.Load(Path.Combine(TestEnvironment.SigV4VectorDirectory, name));
        var signer = new SigV4Signer(vector.Region, vector.Service)
        {
            NormalizePath = vector.Normalize,
            AddContentSha256Header = vector.SignBody,
            SignSessionToken = !vector.OmitSessionToken,
        };
        var request = new AwsSigningRequest(vector.Method, vector.RequestPath, vector.Query, SigV4Signer.HashPayload(vector.Body));
        foreach (var header in vector.Headers) request.AddHeader(header.Key, header.Value);

        var signature = signer.Sign(request, vector.Credentials, vector.Timestamp);

        Assert.Equal(vector.Expected("header-canonical-request.txt"), signature.CanonicalRequest);
        Assert.Equal(vector.Expected("header-string-to-sign.txt"), signature.StringToSign);
        Assert.Equal(vector.Expected("header-signature.txt").Trim(), signature.Signature);

        var signedRequestHeaders = vector.ExpectedSignedHeaders();
        foreach (var added in signature.HeadersToAdd)
            Assert.Contains(signedRequestHeaders, h => h.Key.Equals(added.Key, StringComparison.OrdinalIgnoreCase) && h.Value == added.Value);
        Assert.Equal(
            signedRequestHeaders.Count(h => !vector.Headers.Any(o => o.Key == h.Key && o.Value == h.Value)),
            signature.HeadersToAdd.Count);
    }
}
