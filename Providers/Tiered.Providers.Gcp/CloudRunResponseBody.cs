using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Tiered.Providers.Gcp;

/// <summary>Reads what the bodies of Cloud Run answers say: the node's <c>instanceId</c>, a function's error, the platform's error page.</summary>
internal static partial class CloudRunResponseBody
{
    private const int MaxQuoted = 400;

    /// <summary>The top-level <c>instanceId</c> string of a JSON object body (the node's summary carries it), else null.</summary>
    public static string? ReadInstanceId(ReadOnlySpan<byte> body) => ReadTopLevelString(body, "instanceId");

    /// <summary>
    /// What an error answer says: a JSON body's <c>error</c> (a string, or Google's <c>{"error":{"message":…,"status":…}}</c>) or
    /// <c>message</c>; an HTML page's text without tags (Google's front end answers 401/403/404/429/503 with HTML); else the body (shortened). Null for an empty body.
    /// </summary>
    public static string? ReadErrorMessage(ReadOnlySpan<byte> body)
    {
        var trimmed = body.Trim(" \t\r\n"u8);
        if (trimmed.IsEmpty) return null;
        if (trimmed[0] == (byte)'{')
        {
            try
            {
                using var document = JsonDocument.Parse(trimmed.ToArray());
                var root = document.RootElement;
                if (root.TryGetProperty("error", out var error))
                {
                    if (error.ValueKind == JsonValueKind.String) return Shorten(error.GetString()!);
                    if (error.ValueKind == JsonValueKind.Object)
                    {
                        string? message = error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
                        string? status = error.TryGetProperty("status", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
                        if (message is not null) return Shorten(status is null ? message : $"{status}: {message}");
                    }
                }
                if (root.TryGetProperty("message", out var text) && text.ValueKind == JsonValueKind.String) return Shorten(text.GetString()!);
            }
            catch (JsonException)
            {
                // Not JSON after all: quote it.
            }
        }
        string quoted = Encoding.UTF8.GetString(trimmed.Length > 16 * 1024 ? trimmed[..(16 * 1024)] : trimmed);
        if (quoted.Contains('<', StringComparison.Ordinal) && quoted.Contains('>', StringComparison.Ordinal))
        {
            quoted = Styles().Replace(quoted, " ");
            quoted = Tags().Replace(quoted, " ");
            quoted = System.Net.WebUtility.HtmlDecode(quoted);
        }
        quoted = Spaces().Replace(quoted, " ").Trim();
        return quoted.Length == 0 ? null : Shorten(quoted);
    }

    private static string Shorten(string text) => text.Length > MaxQuoted ? text[..MaxQuoted] + "…" : text;

    private static string? ReadTopLevelString(ReadOnlySpan<byte> body, string property)
    {
        var trimmed = body.TrimStart(" \t\r\n"u8);
        if (trimmed.IsEmpty || trimmed[0] != (byte)'{') return null;
        try
        {
            var reader = new Utf8JsonReader(trimmed, new JsonReaderOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                string name = reader.GetString()!;
                if (!reader.Read()) return null;
                if (reader.TokenType == JsonTokenType.String && name.Equals(property, StringComparison.OrdinalIgnoreCase)) return reader.GetString();
                reader.Skip();
            }
        }
        catch (JsonException)
        {
            // A truncated or malformed body: nothing to read.
        }
        return null;
    }

    [GeneratedRegex("<(style|script)[^>]*>.*?</\\1>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex Styles();

    [GeneratedRegex("<[^>]+>")]
    private static partial Regex Tags();

    [GeneratedRegex("\\s+")]
    private static partial Regex Spaces();
}
