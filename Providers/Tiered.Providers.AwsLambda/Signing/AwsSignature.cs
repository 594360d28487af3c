namespace Tiered.Providers.AwsLambda.Signing;

/// <summary>A SigV4 signature and every intermediate step (for tests and for debugging a <c>SignatureDoesNotMatch</c>).</summary>
/// <param name="Authorization">The <c>Authorization</c> header value: <c>AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…</c>.</param>
/// <param name="Signature">The lowercase hex signature.</param>
/// <param name="SignedHeaders">The signed header names, lowercase, sorted, <c>;</c>-separated.</param>
/// <param name="CredentialScope"><c>yyyyMMdd/region/service/aws4_request</c>.</param>
/// <param name="AmzDate">The signing time as sent in <c>X-Amz-Date</c> (<c>yyyyMMddTHHmmssZ</c>).</param>
/// <param name="CanonicalRequest">The canonical request that was hashed.</param>
/// <param name="StringToSign">The string that was signed.</param>
/// <param name="HeadersToAdd">The headers the request must carry besides its own, in this order: <c>X-Amz-Date</c>,
/// <c>X-Amz-Security-Token</c> (temporary credentials), <c>x-amz-content-sha256</c> (when the signer adds it), <c>Authorization</c>.</param>
public sealed record AwsSignature(
    string Authorization,
    string Signature,
    string SignedHeaders,
    string CredentialScope,
    string AmzDate,
    string CanonicalRequest,
    string StringToSign,
    IReadOnlyList<KeyValuePair<string, string>> HeadersToAdd);
