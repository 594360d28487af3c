namespace Tiered.Providers.AwsLambda.Signing;

/// <summary>
/// What SigV4 signs of an HTTP request: method, path and query exactly as they go on the wire, the headers to sign
/// (in order, duplicates allowed, <c>Host</c> included) and the hex SHA-256 of the payload.
/// </summary>
public sealed class AwsSigningRequest
{
    /// <summary>Creates a request to sign.</summary>
    /// <param name="method">The HTTP method, e.g. <c>POST</c>.</param>
    /// <param name="path">The path as sent (already percent-encoded, or raw UTF-8); the signer encodes it once more, as SigV4 does for every service but S3.</param>
    /// <param name="query">The query string as sent, without the leading <c>?</c>; empty for none.</param>
    /// <param name="payloadHash">Lowercase hex SHA-256 of the body (<see cref="SigV4Signer.HashPayload"/>), or <c>UNSIGNED-PAYLOAD</c>.</param>
    public AwsSigningRequest(string method, string path, string? query = null, string payloadHash = SigV4Signer.EmptyPayloadHash)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(method);
        ArgumentNullException.ThrowIfNull(path);
        ArgumentException.ThrowIfNullOrWhiteSpace(payloadHash);
        Method = method;
        Path = path;
        Query = query is { Length: > 0 } && query[0] == '?' ? query[1..] : query ?? "";
        PayloadHash = payloadHash;
    }

    /// <summary>The HTTP method.</summary>
    public string Method { get; }

    /// <summary>The path as sent.</summary>
    public string Path { get; }

    /// <summary>The query string as sent, without <c>?</c>.</summary>
    public string Query { get; }

    /// <summary>Lowercase hex SHA-256 of the body.</summary>
    public string PayloadHash { get; }

    /// <summary>The headers to sign, in the order they are sent; a name may appear more than once (values are joined with commas).</summary>
    public List<KeyValuePair<string, string>> Headers { get; } = [];

    /// <summary>Adds a header to sign; returns this.</summary>
    public AwsSigningRequest AddHeader(string name, string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(value);
        Headers.Add(new(name, value));
        return this;
    }

    /// <summary>A request for <paramref name="uri"/>: its escaped path and query, and a <c>Host</c> header (with the port when it is not the scheme's default).</summary>
    public static AwsSigningRequest ForUri(string method, Uri uri, string payloadHash = SigV4Signer.EmptyPayloadHash)
    {
        ArgumentNullException.ThrowIfNull(uri);
        if (!uri.IsAbsoluteUri) throw new ArgumentException($"The URI '{uri}' is not absolute.", nameof(uri));
        return new AwsSigningRequest(method, uri.AbsolutePath, uri.Query, payloadHash).AddHeader("Host", HostHeader(uri));
    }

    /// <summary>The <c>Host</c> header HttpClient sends for <paramref name="uri"/>: punycode host, IPv6 in brackets, the port only when it is not the scheme's default.</summary>
    public static string HostHeader(Uri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        string host = uri.HostNameType == UriHostNameType.IPv6 ? "[" + uri.IdnHost + "]" : uri.IdnHost;
        return uri.IsDefaultPort ? host : host + ":" + uri.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
