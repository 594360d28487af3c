using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Tiered.Providers.AwsLambda.Signing;

/// <summary>
/// AWS Signature Version 4 (<c>AWS4-HMAC-SHA256</c>) header signing, checked against the AWS SigV4 test suite and against
/// AWSSDK.Core's <c>AWS4Signer</c>. Hashing and HMACs run on stack buffers; the derived signing key is cached per
/// secret and day. Thread-safe.
/// </summary>
public sealed class SigV4Signer : IAwsRequestSigner
{
    /// <summary>The algorithm name.</summary>
    public const string Algorithm = "AWS4-HMAC-SHA256";

    /// <summary>The SHA-256 of an empty body.</summary>
    public const string EmptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    /// <summary>The payload hash that tells the service the body is not signed.</summary>
    public const string UnsignedPayload = "UNSIGNED-PAYLOAD";

    /// <summary>Headers never signed when signing an <see cref="HttpRequestMessage"/>: hop-by-hop, rewritten by proxies, or added after signing.</summary>
    private static readonly HashSet<string> UnsignedHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "authorization", "user-agent", "expect", "transfer-encoding", "connection", "keep-alive", "proxy-authorization",
        "proxy-connection", "te", "upgrade", "x-amzn-trace-id", "content-length",
    };

    private SigningKey? _signingKey;

    /// <summary>A signer for <paramref name="service"/> (e.g. <c>lambda</c>) in <paramref name="region"/> (e.g. <c>us-east-1</c>).</summary>
    public SigV4Signer(string region, string service)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(region);
        ArgumentException.ThrowIfNullOrWhiteSpace(service);
        Region = region;
        Service = service;
    }

    /// <summary>The region in the credential scope.</summary>
    public string Region { get; }

    /// <summary>The service in the credential scope.</summary>
    public string Service { get; }

    /// <summary>Whether the canonical URI has dot segments removed and empty segments collapsed (every service but S3). Default true.</summary>
    public bool NormalizePath { get; init; } = true;

    /// <summary>Whether to add and sign an <c>x-amz-content-sha256</c> header carrying the payload hash (S3 requires it; Lambda does not). Default false.</summary>
    public bool AddContentSha256Header { get; init; }

    /// <summary>
    /// Whether <c>X-Amz-Security-Token</c> is signed (true, the default and what AWS services expect) or only added after
    /// signing (a few services, and the test suite's <c>omit_session_token</c> cases).
    /// </summary>
    public bool SignSessionToken { get; init; } = true;

    /// <summary>Lowercase hex SHA-256 of <paramref name="payload"/>.</summary>
    public static string HashPayload(ReadOnlySpan<byte> payload)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(payload, hash);
        return Convert.ToHexStringLower(hash);
    }

    /// <inheritdoc />
    public AwsSignature Sign(AwsSigningRequest request, AwsCredentials credentials, DateTimeOffset signingTime)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(credentials);

        Span<char> amzDateChars = stackalloc char[16];
        signingTime.UtcDateTime.TryFormat(amzDateChars, out _, "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        string amzDate = new(amzDateChars);
        string scope = $"{amzDate.AsSpan(0, 8)}/{Region}/{Service}/aws4_request";

        var added = new List<KeyValuePair<string, string>>(4) { new("X-Amz-Date", amzDate) };
        if (credentials.SessionToken is { } token) added.Add(new("X-Amz-Security-Token", token));
        if (AddContentSha256Header) added.Add(new("x-amz-content-sha256", request.PayloadHash));

        var signed = new List<KeyValuePair<string, string>>(request.Headers.Count + added.Count);
        signed.AddRange(request.Headers);
        foreach (var header in added)
            if (SignSessionToken || header.Key != "X-Amz-Security-Token") signed.Add(header);

        string canonicalRequest, signedHeaders;
        Span<char> canonicalHash = stackalloc char[64];
        var buffer = new PooledCharBuffer(stackalloc char[1024]);
        try
        {
            buffer.Append(request.Method);
            buffer.Append('\n');
            SigV4Canonicalizer.AppendCanonicalUri(ref buffer, request.Path, NormalizePath);
            buffer.Append('\n');
            SigV4Canonicalizer.AppendCanonicalQuery(ref buffer, request.Query);
            buffer.Append('\n');
            signedHeaders = SigV4Canonicalizer.AppendCanonicalHeaders(ref buffer, signed);
            buffer.Append('\n');
            buffer.Append(signedHeaders);
            buffer.Append('\n');
            buffer.Append(request.PayloadHash);
            Sha256Hex(buffer.Written, canonicalHash);
            canonicalRequest = buffer.ToString();
        }
        finally
        {
            buffer.Dispose();
        }

        string stringToSign = string.Concat(Algorithm, "\n", amzDate, "\n", scope, "\n", canonicalHash.ToString());
        string signature = ComputeSignature(credentials.SecretAccessKey, amzDate.AsSpan(0, 8), stringToSign);
        string authorization = $"{Algorithm} Credential={credentials.AccessKeyId}/{scope}, SignedHeaders={signedHeaders}, Signature={signature}";
        added.Add(new("Authorization", authorization));
        return new AwsSignature(authorization, signature, signedHeaders, scope, amzDate, canonicalRequest, stringToSign, added);
    }

    /// <inheritdoc />
    public AwsSignature Sign(HttpRequestMessage request, string payloadHash, AwsCredentials credentials, DateTimeOffset signingTime)
    {
        ArgumentNullException.ThrowIfNull(request);
        var uri = request.RequestUri ?? throw new ArgumentException("The request has no RequestUri.", nameof(request));
        if (!uri.IsAbsoluteUri) throw new ArgumentException($"The request URI '{uri}' is not absolute.", nameof(request));
        request.Headers.Remove("Authorization");
        request.Headers.Remove("X-Amz-Date");
        request.Headers.Remove("X-Amz-Security-Token");
        if (AddContentSha256Header) request.Headers.Remove("x-amz-content-sha256");

        var toSign = new AwsSigningRequest(request.Method.Method, uri.AbsolutePath, uri.Query, payloadHash);
        toSign.AddHeader("host", request.Headers.Host ?? AwsSigningRequest.HostHeader(uri));
        foreach (var header in request.Headers.NonValidated)
        {
            if (UnsignedHeaders.Contains(header.Key) || header.Key.Equals("Host", StringComparison.OrdinalIgnoreCase)) continue;
            toSign.AddHeader(header.Key, header.Value.ToString());   // several values go on one line joined with ", ", as HttpClient sends them
        }
        if (request.Content is not null)
        {
            foreach (var header in request.Content.Headers.NonValidated)
                if (!UnsignedHeaders.Contains(header.Key)) toSign.AddHeader(header.Key, header.Value.ToString());
        }

        var signature = Sign(toSign, credentials, signingTime);
        foreach (var header in signature.HeadersToAdd) request.Headers.TryAddWithoutValidation(header.Key, header.Value);
        return signature;
    }

    private string ComputeSignature(string secret, ReadOnlySpan<char> date, string stringToSign)
    {
        var key = GetSigningKey(secret, date);
        int max = Encoding.UTF8.GetMaxByteCount(stringToSign.Length);
        byte[]? rented = null;
        Span<byte> data = max <= 512 ? stackalloc byte[512] : (rented = ArrayPool<byte>.Shared.Rent(max));
        try
        {
            int n = Encoding.UTF8.GetBytes(stringToSign, data);
            Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
            HMACSHA256.HashData(key, data[..n], mac);
            return Convert.ToHexStringLower(mac);
        }
        finally
        {
            if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request"), cached for the last secret and day.</summary>
    private byte[] GetSigningKey(string secret, ReadOnlySpan<char> date)
    {
        var cached = _signingKey;
        if (cached is not null && date.SequenceEqual(cached.Date) && string.Equals(cached.Secret, secret, StringComparison.Ordinal)) return cached.Key;

        int max = 4 + Encoding.UTF8.GetMaxByteCount(secret.Length);
        byte[]? rented = null;
        Span<byte> secretKey = max <= 256 ? stackalloc byte[256] : (rented = ArrayPool<byte>.Shared.Rent(max));
        Span<byte> a = stackalloc byte[HMACSHA256.HashSizeInBytes];
        Span<byte> b = stackalloc byte[HMACSHA256.HashSizeInBytes];
        Span<byte> text = stackalloc byte[64];
        try
        {
            "AWS4"u8.CopyTo(secretKey);
            int keyLength = 4 + Encoding.UTF8.GetBytes(secret, secretKey[4..]);
            HMACSHA256.HashData(secretKey[..keyLength], text[..Encoding.UTF8.GetBytes(date, text)], a);
            HMACSHA256.HashData(a, Utf8(Region, ref text), b);
            HMACSHA256.HashData(b, Utf8(Service, ref text), a);
            HMACSHA256.HashData(a, "aws4_request"u8, b);
            var key = b.ToArray();
            _signingKey = new SigningKey(secret, date.ToString(), key);
            return key;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secretKey);
            CryptographicOperations.ZeroMemory(a);
            if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static ReadOnlySpan<byte> Utf8(string value, ref Span<byte> scratch)
    {
        if (Encoding.UTF8.GetMaxByteCount(value.Length) > scratch.Length) scratch = new byte[Encoding.UTF8.GetMaxByteCount(value.Length)];
        return scratch[..Encoding.UTF8.GetBytes(value, scratch)];
    }

    private static void Sha256Hex(ReadOnlySpan<char> text, Span<char> hex)
    {
        int max = Encoding.UTF8.GetMaxByteCount(text.Length);
        byte[]? rented = null;
        Span<byte> bytes = max <= 1024 ? stackalloc byte[1024] : (rented = ArrayPool<byte>.Shared.Rent(max));
        try
        {
            int n = Encoding.UTF8.GetBytes(text, bytes);
            Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(bytes[..n], hash);
            Convert.TryToHexStringLower(hash, hex, out _);
        }
        finally
        {
            if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>The derived key for one secret and day (a class, not a record: nothing may print the secret).</summary>
    private sealed class SigningKey(string secret, string date, byte[] key)
    {
        public string Secret { get; } = secret;
        public string Date { get; } = date;
        public byte[] Key { get; } = key;
    }
}
