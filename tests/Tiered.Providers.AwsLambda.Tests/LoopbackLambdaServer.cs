using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Amazon.Runtime.Internal.Auth;

namespace Tiered.Providers.AwsLambda.Tests;

/// <summary>A request as it arrived: the request line's target exactly as sent, every header line in order, the body.</summary>
internal sealed record ReceivedRequest(string Method, string Path, string Query, IReadOnlyList<KeyValuePair<string, string>> Headers, byte[] Body)
{
    public string? Header(string name)
    {
        var values = Headers.Where(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value.Trim()).ToList();
        return values.Count == 0 ? null : string.Join(",", values);
    }

    /// <summary>The function name from <c>/2015-03-31/functions/{name}/invocations</c>, unescaped.</summary>
    public string FunctionName => Uri.UnescapeDataString(Path.Split('/')[3]);

    /// <summary>The signed header names of the Authorization header.</summary>
    public string SignedHeaders => Header("Authorization") is { } auth && auth.IndexOf("SignedHeaders=", StringComparison.Ordinal) is int at and >= 0
        ? auth[(at + "SignedHeaders=".Length)..].Split(',')[0]
        : "";
}

/// <summary>What the server answers.</summary>
internal sealed record ScriptedResponse(int Status, byte[] Body, IReadOnlyList<KeyValuePair<string, string>> Headers)
{
    public static ScriptedResponse Json(int status, string json, params (string Name, string Value)[] headers) =>
        new(status, Encoding.UTF8.GetBytes(json), headers.Select(h => new KeyValuePair<string, string>(h.Name, h.Value)).ToList());

    public static ScriptedResponse Empty(int status, params (string Name, string Value)[] headers) => Json(status, "", headers);
}

/// <summary>
/// A minimal HTTP/1.1 Lambda Invoke endpoint on 127.0.0.1 (a raw <see cref="TcpListener"/>, keep-alive, Content-Length bodies)
/// that checks every request's SigV4 signature independently of the code under test (its own canonical request, AWSSDK.Core's
/// <see cref="AWS4Signer.ComputeSignature(string, string, string, DateTime, string, string, string)"/>), answers a bad one with
/// 403 <c>InvalidSignatureException</c> as AWS does, and otherwise answers what the test's handler says.
/// </summary>
internal sealed class LoopbackLambdaServer : IAsyncDisposable
{
    public const string Region = "us-east-1";
    public const string AccessKey = "AKIDTIEREDTEST";
    public const string SecretKey = "tiered/test/secret+key/EXAMPLEKEY";

    private readonly TcpListener _listener;
    private readonly Func<ReceivedRequest, CancellationToken, Task<ScriptedResponse>> _handler;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentBag<Task> _connections = [];
    private readonly Task _accepting;

    public LoopbackLambdaServer(Func<ReceivedRequest, CancellationToken, Task<ScriptedResponse>> handler)
    {
        _handler = handler;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Url = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _accepting = AcceptAsync();
    }

    /// <summary>A server answering every request with <paramref name="responses"/> in turn (the last one repeats).</summary>
    public static LoopbackLambdaServer Scripted(params ScriptedResponse[] responses)
    {
        int next = -1;
        return new LoopbackLambdaServer((_, _) => Task.FromResult(responses[Math.Min(Interlocked.Increment(ref next), responses.Length - 1)]));
    }

    public Uri Url { get; }

    /// <summary>Every request received, in arrival order.</summary>
    public ConcurrentQueue<ReceivedRequest> Requests { get; } = new();

    /// <summary>Why requests failed signature verification (empty when every one was signed right).</summary>
    public ConcurrentQueue<string> SignatureFailures { get; } = new();

    /// <summary>The session token requests must carry (and sign), or null for none.</summary>
    public string? ExpectedSessionToken { get; init; }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        try
        {
            await _accepting.ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }
        await Task.WhenAll(_connections).WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token).ConfigureAwait(false);
            _connections.Add(Task.Run(() => ServeAsync(client)));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        var stream = client.GetStream();
        var buffer = new byte[64 * 1024];
        int filled = 0;
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                int headEnd;
                while ((headEnd = buffer.AsSpan(0, filled).IndexOf("\r\n\r\n"u8)) < 0)
                {
                    if (filled == buffer.Length) Array.Resize(ref buffer, buffer.Length * 2);
                    int n = await stream.ReadAsync(buffer.AsMemory(filled), _stop.Token).ConfigureAwait(false);
                    if (n == 0) return;
                    filled += n;
                }
                var (method, target, headers) = ParseHead(Encoding.UTF8.GetString(buffer, 0, headEnd));
                int bodyStart = headEnd + 4;
                int length = headers.Where(h => h.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
                    .Select(h => int.Parse(h.Value.Trim(), CultureInfo.InvariantCulture)).FirstOrDefault();
                while (filled - bodyStart < length)
                {
                    if (bodyStart + length > buffer.Length) Array.Resize(ref buffer, bodyStart + length);
                    int n = await stream.ReadAsync(buffer.AsMemory(filled), _stop.Token).ConfigureAwait(false);
                    if (n == 0) return;
                    filled += n;
                }
                var body = buffer.AsSpan(bodyStart, length).ToArray();
                int consumed = bodyStart + length;
                Buffer.BlockCopy(buffer, consumed, buffer, 0, filled - consumed);
                filled -= consumed;

                int q = target.IndexOf('?');
                var request = new ReceivedRequest(method, q < 0 ? target : target[..q], q < 0 ? "" : target[(q + 1)..], headers, body);
                Requests.Enqueue(request);
                var response = Verify(request) is { } failure
                    ? ScriptedResponse.Json(403, $$"""{"message":"{{failure}}"}""", ("x-amzn-ErrorType", "InvalidSignatureException"))
                    : await _handler(request, _stop.Token).ConfigureAwait(false);
                await WriteAsync(stream, response).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
            // The client went away or the server stopped.
        }
    }

    private async Task WriteAsync(NetworkStream stream, ScriptedResponse response)
    {
        var head = new StringBuilder();
        head.Append(CultureInfo.InvariantCulture, $"HTTP/1.1 {response.Status} {ReasonPhrase(response.Status)}\r\n");
        head.Append(CultureInfo.InvariantCulture, $"Content-Length: {response.Body.Length}\r\n");
        foreach (var header in response.Headers) head.Append(CultureInfo.InvariantCulture, $"{header.Key}: {header.Value}\r\n");
        head.Append("\r\n");
        await stream.WriteAsync(Encoding.UTF8.GetBytes(head.ToString()), _stop.Token).ConfigureAwait(false);
        await stream.WriteAsync(response.Body, _stop.Token).ConfigureAwait(false);
    }

    private static string ReasonPhrase(int status) => status switch
    {
        200 => "OK", 202 => "Accepted", 400 => "Bad Request", 403 => "Forbidden", 404 => "Not Found", 413 => "Request Entity Too Large",
        429 => "Too Many Requests", 500 => "Internal Server Error", 502 => "Bad Gateway", 503 => "Service Unavailable", _ => "Status",
    };

    private static (string Method, string Target, List<KeyValuePair<string, string>> Headers) ParseHead(string head)
    {
        var lines = head.Split("\r\n");
        var parts = lines[0].Split(' ');
        var headers = lines.Skip(1).Select(line => new KeyValuePair<string, string>(line[..line.IndexOf(':')], line[(line.IndexOf(':') + 1)..])).ToList();
        return (parts[0], parts[1], headers);
    }

    /// <summary>Null when the request is signed right by <see cref="AccessKey"/>/<see cref="SecretKey"/> for lambda in <see cref="Region"/>; else why not.</summary>
    private string? Verify(ReceivedRequest request)
    {
        string? failure = Check(request);
        if (failure is not null) SignatureFailures.Enqueue(failure);
        return failure;
    }

    private string? Check(ReceivedRequest request)
    {
        string? authorization = request.Header("Authorization");
        if (authorization is null || !authorization.StartsWith("AWS4-HMAC-SHA256 ", StringComparison.Ordinal)) return "no AWS4-HMAC-SHA256 Authorization header";
        var fields = authorization["AWS4-HMAC-SHA256 ".Length..].Split(',', StringSplitOptions.TrimEntries)
            .Select(f => f.Split('=', 2)).ToDictionary(f => f[0], f => f[1]);
        var credential = fields["Credential"].Split('/');
        if (credential.Length != 5 || credential[0] != AccessKey || credential[2] != Region || credential[3] != "lambda" || credential[4] != "aws4_request")
            return $"unexpected credential scope {fields["Credential"]}";
        string? amzDate = request.Header("X-Amz-Date");
        if (amzDate is null || !amzDate.StartsWith(credential[1], StringComparison.Ordinal)) return "X-Amz-Date missing or not the scope's date";
        string signedHeaders = fields["SignedHeaders"];
        var names = signedHeaders.Split(';');
        if (!names.Contains("host") || !names.Contains("x-amz-date")) return "host and x-amz-date must be signed";
        foreach (var header in request.Headers.Select(h => h.Key.ToLowerInvariant()).Where(n => n.StartsWith("x-amz-", StringComparison.Ordinal)))
            if (!names.Contains(header)) return $"{header} is not signed";
        if (ExpectedSessionToken is not null && request.Header("X-Amz-Security-Token") != ExpectedSessionToken) return "session token missing";

        var canonical = new StringBuilder();
        canonical.Append(request.Method).Append('\n');
        foreach (char c in request.Path)
            canonical.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~' or '/' ? c.ToString() : $"%{(int)c:X2}");
        canonical.Append('\n');
        canonical.Append(string.Join('&', request.Query.Split('&', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal))).Append('\n');
        foreach (var name in names)
        {
            var values = request.Headers.Where(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Select(h => string.Join(' ', h.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries)));
            canonical.Append(name).Append(':').Append(string.Join(',', values)).Append('\n');
        }
        canonical.Append('\n').Append(signedHeaders).Append('\n').Append(Convert.ToHexStringLower(SHA256.HashData(request.Body)));

        var signedAt = DateTime.ParseExact(amzDate, "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
        string expected = AWS4Signer.ComputeSignature(AccessKey, SecretKey, Region, signedAt, "lambda", signedHeaders, canonical.ToString()).Signature;
        return expected == fields["Signature"] ? null : "The request signature we calculated does not match the signature you provided.";
    }
}
