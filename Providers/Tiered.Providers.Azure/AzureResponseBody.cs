using System.Text;
using System.Text.Json;

namespace Tiered.Providers.Azure;

/// <summary>Reads what answer bodies say: the node's <c>instanceId</c>, the node function's error document, Azure's error text.</summary>
internal static class AzureResponseBody
{
    private const int MaxQuoted = 512;

    /// <summary>The top-level <c>instanceId</c> string of a JSON object body (the node's summary carries it), else empty.</summary>
    public static string ReadInstanceId(ReadOnlySpan<byte> body) => ReadString(body, "instanceId") ?? "";

    /// <summary>The node function's error: <c>errorType: errorMessage</c> from its error JSON, else the header's type and the body.</summary>
    public static string FormatFunctionError(string? typeHeader, ReadOnlySpan<byte> body)
    {
        string? type = ReadString(body, "errorType") ?? (string.IsNullOrWhiteSpace(typeHeader) ? null : typeHeader.Trim());
        string? message = ReadString(body, "errorMessage");
        if (type is not null && message is not null) return $"{type}: {message}";
        if (type is not null || message is not null) return (type ?? message)!;
        string text = Quote(body);
        return text.Length == 0 ? "function error" : "function error: " + text;
    }

    /// <summary>What an error answer says, for messages: Azure's JSON <c>message</c>/<c>Message</c>/<c>error</c>, else the text (an HTML page's title), shortened; null when empty.</summary>
    public static string? Describe(ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty) return null;
        string? message = ReadString(body, "message") ?? ReadString(body, "Message") ?? ReadString(body, "error") ?? ReadString(body, "errorMessage");
        if (message is not null) return message;
        string text = Quote(body);
        int title = text.IndexOf("<title>", StringComparison.OrdinalIgnoreCase);
        if (title >= 0)
        {
            int end = text.IndexOf("</title>", title, StringComparison.OrdinalIgnoreCase);
            if (end > title) return text[(title + 7)..end].Trim();
        }
        return text.Length == 0 ? null : text;
    }

    private static string Quote(ReadOnlySpan<byte> body)
    {
        var text = Encoding.UTF8.GetString(body.Length > MaxQuoted ? body[..MaxQuoted] : body).ReplaceLineEndings(" ").Trim();
        return body.Length > MaxQuoted ? text + "…" : text;
    }

    private static string? ReadString(ReadOnlySpan<byte> body, string property)
    {
        var trimmed = body.TrimStart(" \t\r\n"u8);
        if (trimmed.IsEmpty || trimmed[0] != (byte)'{') return null;
        try
        {
            var reader = new Utf8JsonReader(trimmed, new JsonReaderOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                bool match = reader.ValueTextEquals(property);
                if (!reader.Read()) return null;
                if (match && reader.TokenType == JsonTokenType.String) return reader.GetString();
                reader.Skip();
            }
        }
        catch (JsonException)
        {
            // A truncated or malformed body: nothing to read.
        }
        return null;
    }
}
