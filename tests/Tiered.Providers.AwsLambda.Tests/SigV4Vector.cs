using System.Globalization;
using System.Text;
using System.Text.Json;
using Tiered.Providers.AwsLambda.Signing;

namespace Tiered.Providers.AwsLambda.Tests;

/// <summary>One case of the AWS SigV4 test suite (aws-c-auth's <c>v4</c> cases): the raw request, its context and the expected answers.</summary>
internal sealed class SigV4Vector
{
    private SigV4Vector(string directory) => Directory = directory;

    public string Directory { get; }
    public string Name => Path.GetFileName(Directory);
    public string Method { get; private set; } = "";
    public string RequestPath { get; private set; } = "";
    public string Query { get; private set; } = "";
    public List<KeyValuePair<string, string>> Headers { get; } = [];
    public byte[] Body { get; private set; } = [];

    public AwsCredentials Credentials { get; private set; } = null!;
    public string Region { get; private set; } = "";
    public string Service { get; private set; } = "";
    public DateTimeOffset Timestamp { get; private set; }
    public bool Normalize { get; private set; }
    public bool SignBody { get; private set; }
    public bool OmitSessionToken { get; private set; }

    public string Expected(string file) => File.ReadAllText(Path.Combine(Directory, file), Encoding.UTF8);

    /// <summary>The header lines of <c>header-signed-request.txt</c> (what the signed request must carry).</summary>
    public List<KeyValuePair<string, string>> ExpectedSignedHeaders() => ParseHead(Expected("header-signed-request.txt")).Headers;

    public static SigV4Vector Load(string directory)
    {
        var vector = new SigV4Vector(directory);
        var raw = File.ReadAllBytes(Path.Combine(directory, "request.txt"));
        int split = IndexOf(raw, "\r\n\r\n"u8, out int separator);
        if (split < 0) split = IndexOf(raw, "\n\n"u8, out separator);
        string head = Encoding.UTF8.GetString(split < 0 ? raw : raw.AsSpan(0, split));
        vector.Body = split < 0 ? [] : raw.AsSpan(split + separator).ToArray();
        var (method, target, headers) = ParseHead(head);
        vector.Method = method;
        int q = target.IndexOf('?');
        vector.RequestPath = q < 0 ? target : target[..q];
        vector.Query = q < 0 ? "" : target[(q + 1)..];
        vector.Headers.AddRange(headers);

        using var context = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, "context.json")));
        var root = context.RootElement;
        var credentials = root.GetProperty("credentials");
        vector.Credentials = new AwsCredentials(
            credentials.GetProperty("access_key_id").GetString()!,
            credentials.GetProperty("secret_access_key").GetString()!,
            credentials.TryGetProperty("token", out var token) ? token.GetString() : null);
        vector.Region = root.GetProperty("region").GetString()!;
        vector.Service = root.GetProperty("service").GetString()!;
        vector.Timestamp = DateTimeOffset.Parse(root.GetProperty("timestamp").GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
        vector.Normalize = !root.TryGetProperty("normalize", out var normalize) || normalize.GetBoolean();
        vector.SignBody = root.TryGetProperty("sign_body", out var signBody) && signBody.GetBoolean();
        vector.OmitSessionToken = root.TryGetProperty("omit_session_token", out var omit) && omit.GetBoolean();
        return vector;
    }

    /// <summary>Request line and headers; a line starting with whitespace continues the previous header (kept with its line break).</summary>
    private static (string Method, string Target, List<KeyValuePair<string, string>> Headers) ParseHead(string head)
    {
        var lines = head.Replace("\r\n", "\n").Split('\n');
        string requestLine = lines[0];
        int firstSpace = requestLine.IndexOf(' ');
        int version = requestLine.LastIndexOf(" HTTP/", StringComparison.Ordinal);
        string method = requestLine[..firstSpace];
        string target = requestLine[(firstSpace + 1)..version];
        var headers = new List<KeyValuePair<string, string>>();
        foreach (var line in lines.Skip(1))
        {
            if (line.Length == 0) break;
            if (line[0] is ' ' or '\t' && headers.Count > 0)
            {
                var last = headers[^1];
                headers[^1] = new(last.Key, last.Value + "\n" + line);
                continue;
            }
            int colon = line.IndexOf(':');
            headers.Add(new(line[..colon], line[(colon + 1)..]));
        }
        return (method, target, headers);
    }

    private static int IndexOf(byte[] data, ReadOnlySpan<byte> needle, out int length)
    {
        length = needle.Length;
        return data.AsSpan().IndexOf(needle);
    }

    public override string ToString() => Name;
}
