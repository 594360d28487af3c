namespace Tiered.Providers.AwsLambda.Signing;

/// <summary>Signs AWS requests (<see cref="SigV4Signer"/> is the implementation; the interface lets tests and other schemes plug in).</summary>
public interface IAwsRequestSigner
{
    /// <summary>Signs the described request at <paramref name="signingTime"/>; the caller adds <see cref="AwsSignature.HeadersToAdd"/> to what it sends.</summary>
    AwsSignature Sign(AwsSigningRequest request, AwsCredentials credentials, DateTimeOffset signingTime);

    /// <summary>
    /// Signs <paramref name="request"/> in place: replaces any <c>Authorization</c>, <c>X-Amz-Date</c> and
    /// <c>X-Amz-Security-Token</c> headers and adds the signature's. <paramref name="payloadHash"/> is the lowercase hex
    /// SHA-256 of the body that will be sent (see <see cref="SigV4Signer.HashPayload"/>).
    /// </summary>
    AwsSignature Sign(HttpRequestMessage request, string payloadHash, AwsCredentials credentials, DateTimeOffset signingTime);
}
