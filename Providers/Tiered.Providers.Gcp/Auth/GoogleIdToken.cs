using System.Buffers;
using System.Buffers.Text;
using System.Text.Json;

namespace Tiered.Providers.Gcp.Auth;

/// <summary>
/// A Google-signed OpenID Connect ID token (a JWT) for one audience, sent as <c>Authorization: Bearer …</c>.
/// <see cref="ToString"/> never prints the token.
/// </summary>
/// <param name="Value">The token itself (three base64url segments).</param>
/// <param name="Audience">The audience it was minted for.</param>
/// <param name="ExpiresAt">When it stops being accepted (its <c>exp</c> claim; <see cref="DateTimeOffset.MaxValue"/> for a static token).</param>
public sealed record GoogleIdToken(string Value, string Audience, DateTimeOffset ExpiresAt)
{
    /// <summary>How long a Google ID token lives (used when a token's <c>exp</c> cannot be read).</summary>
    public static TimeSpan DefaultLifetime { get; } = TimeSpan.FromHours(1);

    /// <summary>A token whose expiry is its JWT <c>exp</c> claim, or <paramref name="now"/> + <see cref="DefaultLifetime"/> when it has none.</summary>
    public static GoogleIdToken FromJwt(string jwt, string audience, DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(jwt);
        jwt = jwt.Trim();
        return new GoogleIdToken(jwt, audience, ReadExpiry(jwt) ?? now + DefaultLifetime);
    }

    /// <summary>The <c>exp</c> claim (seconds since the epoch) of a JWT's payload, or null when it is not a readable JWT.</summary>
    public static DateTimeOffset? ReadExpiry(string jwt)
    {
        if (string.IsNullOrEmpty(jwt)) return null;
        var parts = jwt.Split('.');
        if (parts.Length != 3 || parts[1].Length == 0) return null;
        byte[] payload = ArrayPool<byte>.Shared.Rent(Base64Url.GetMaxDecodedLength(parts[1].Length));
        try
        {
            if (Base64Url.DecodeFromChars(parts[1], payload, out _, out int written) != OperationStatus.Done) return null;
            var reader = new Utf8JsonReader(payload.AsSpan(0, written));
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                bool isExp = reader.ValueTextEquals("exp"u8);
                if (!reader.Read()) return null;
                if (isExp && reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out long seconds)
                    && seconds > 0 && seconds < DateTimeOffset.MaxValue.ToUnixTimeSeconds())
                    return DateTimeOffset.FromUnixTimeSeconds(seconds);
                reader.Skip();
            }
            return null;
        }
        catch (JsonException)
        {
            return null;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(payload);
        }
    }

    /// <summary>Describes the token without its value.</summary>
    public override string ToString() =>
        $"ID token for '{Audience}' ({(ExpiresAt == DateTimeOffset.MaxValue ? "no expiry" : "expires " + ExpiresAt.ToString("u", System.Globalization.CultureInfo.InvariantCulture))})";
}
