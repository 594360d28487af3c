using System.Text;
using System.Text.Json;

namespace Tiered.Providers.AwsLambda;

/// <summary>Reads what the JSON bodies of Invoke answers say: the node's <c>instanceId</c>, a function error, an AWS error.</summary>
internal static class LambdaResponseBody
{
    private const int MaxQuoted = 512;

    /// <summary>The top-level <c>instanceId</c> string of a JSON object body (the node's summary carries it), else empty.</summary>
    public static string ReadInstanceId(ReadOnlySpan<byte> body)
    {
        string? id = null;
        ForEachTopLevelString(body, (name, value) =>
        {
            if (id is null && name.Equals("instanceId", StringComparison.OrdinalIgnoreCase)) id = value;
        });
        return id ?? "";
    }

    /// <summary>
    /// The error of a function that failed (<c>X-Amz-Function-Error: Handled|Unhandled</c>): <c>errorType: errorMessage</c>
    /// from the runtime's error JSON, else the body itself (shortened).
    /// </summary>
    public static string FormatFunctionError(string kind, ReadOnlySpan<byte> body)
    {
        string? type = null, message = null;
        ForEachTopLevelString(body, (name, value) =>
        {
            if (name == "errorType") type ??= value;
            else if (name == "errorMessage") message ??= value;
        });
        if (type is not null && message is not null) return $"{type}: {message}";
        if (type is not null || message is not null) return (type ?? message)!;
        string text = Quote(body);
        return text.Length == 0 ? $"{kind} function error" : $"{kind} function error: {text}";
    }

    /// <summary>AWS's error type and message: <c>x-amzn-ErrorType</c> (its <c>:…</c> suffix dropped), else the body's <c>__type</c>
    /// (namespace before <c>#</c> dropped), <c>code</c> or <c>Type</c> (unless that is just the fault side, <c>User</c>/<c>Service</c>).</summary>
    public static (string Type, string? Message) ReadAwsError(string? errorTypeHeader, int statusCode, ReadOnlySpan<byte> body)
    {
        string? headerType = Clean(errorTypeHeader), bodyType = null, code = null, type = null, message = null;
        ForEachTopLevelString(body, (name, value) =>
        {
            switch (name)
            {
                case "__type": bodyType ??= Clean(value); break;
                case "code" or "Code": code ??= Clean(value); break;
                case "Type" or "type": type ??= Clean(value); break;
                case "message" or "Message" or "errorMessage": message ??= value; break;
            }
        });
        if (type is "User" or "Service" or "Server" or "Client") type = null;
        string resolved = headerType ?? bodyType ?? code ?? type ?? (statusCode == 429 ? "TooManyRequestsException" : $"HTTP {statusCode}");
        if (message is null && body.Length > 0 && !LooksLikeJson(body)) message = Quote(body);
        return (resolved, message);

        static string? Clean(string? value)
        {
            if (string.IsNullOrWhiteSpace(value)) return null;
            var span = value.AsSpan().Trim();
            int hash = span.LastIndexOf('#');
            if (hash >= 0) span = span[(hash + 1)..];
            int colon = span.IndexOf(':');
            if (colon >= 0) span = span[..colon];
            return span.IsEmpty ? null : span.ToString();
        }
    }

    private static bool LooksLikeJson(ReadOnlySpan<byte> body)
    {
        var trimmed = body.TrimStart(" \t\r\n"u8);
        return trimmed.Length > 0 && trimmed[0] is (byte)'{' or (byte)'[';
    }

    private static string Quote(ReadOnlySpan<byte> body)
    {
        var text = Encoding.UTF8.GetString(body.Length > MaxQuoted ? body[..MaxQuoted] : body).Trim();
        return body.Length > MaxQuoted ? text + "…" : text;
    }

    /// <summary>Calls <paramref name="visit"/> for each top-level string property of a JSON object; ignores anything else (and bodies that are not JSON).</summary>
    private static void ForEachTopLevelString(ReadOnlySpan<byte> body, Action<string, string> visit)
    {
        if (!LooksLikeJson(body)) return;
        try
        {
            var reader = new Utf8JsonReader(body, new JsonReaderOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                string name = reader.GetString()!;
                if (!reader.Read()) return;
                if (reader.TokenType == JsonTokenType.String) visit(name, reader.GetString()!);
                else reader.Skip();
            }
        }
        catch (JsonException)
        {
            // A truncated or malformed body: keep what was read.
        }
    }
}
