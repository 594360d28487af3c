using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Tiered.Providers.Gcp.Tests;

/// <summary>A request as it arrived: method, path, query, every header line in order, the body.</summary>
internal sealed record ReceivedRequest(string Method, string Path, string Query, IReadOnlyList<KeyValuePair<string, string>> Headers, byte[] Body)
{
    public string? Header(string name)
    {
        var values = Headers.Where(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value.Trim()).ToList();
        return values.Count == 0 ? null : string.Join(",", values);
    }

    /// <summary>The bearer token of the Authorization header, or null.</summary>
    public string? Bearer => Header("Authorization") is { } auth && auth.StartsWith("Bearer ", StringComparison.Ordinal) ? auth["Bearer ".Length..] : null;

    public string BodyText => Encoding.UTF8.GetString(Body);

    /// <summary>A query parameter, unescaped.</summary>
    public string? QueryValue(string name) => Query.Split('&', StringSplitOptions.RemoveEmptyEntries)
        .Select(p => p.Split('=', 2)).Where(p => p[0] == name).Select(p => Uri.UnescapeDataString(p.Length > 1 ? p[1] : "")).FirstOrDefault();
}

/// <summary>What the server answers.</summary>
internal sealed record ScriptedResponse(int Status, byte[] Body, IReadOnlyList<KeyValuePair<string, string>> Headers)
{
    public static ScriptedResponse Text(int status, string body, params (string Name, string Value)[] headers) =>
        new(status, Encoding.UTF8.GetBytes(body), headers.Select(h => new KeyValuePair<string, string>(h.Name, h.Value)).ToList());

    public static ScriptedResponse Json(int status, string json, params (string Name, string Value)[] headers) =>
        Text(status, json, [("Content-Type", "application/json"), .. headers]);

    /// <summary>The node host's answer: its summary, with the instance header.</summary>
    public static ScriptedResponse Summary(string instanceId, bool coldStart = false) =>
        Json(200, $$"""{"nodeId":"tiered-node-001","instanceId":"{{instanceId}}","outcome":"idle","commandsServed":3,"chunksHeld":1,"bytesHeld":10}""",
            coldStart ? [("X-Tiered-Instance", instanceId), ("X-Tiered-Cold-Start", "true")] : [("X-Tiered-Instance", instanceId)]);

    /// <summary>Google's front end error page (HTML), as Cloud Run sends for 401/403/404/429/503.</summary>
    public static ScriptedResponse GoogleError(int status, string title, string text, params (string Name, string Value)[] headers) =>
        Text(status, $$"""
            <html><head><meta http-equiv="content-type" content="text/html;charset=utf-8"><title>{{status}} {{title}}</title><style>body{color:#222}</style></head>
            <body text=#000000 bgcolor=#ffffff><h1>Error: {{title}}</h1><h2>{{text}}</h2><h2></h2></body></html>
            """, [("Content-Type", "text/html; charset=UTF-8"), .. headers]);
}

/// <summary>
/// A minimal HTTP/1.1 server on 127.0.0.1 (a raw <see cref="TcpListener"/>, keep-alive, Content-Length bodies): a Cloud Run
/// function, a metadata server or a token endpoint, as the test's handler says. With <see cref="RequiredBearer"/> it answers a
/// request without that bearer token 401, as Cloud Run's front end does.
/// </summary>
internal sealed class LoopbackHttpServer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly Func<ReceivedRequest, CancellationToken, Task<ScriptedResponse>> _handler;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentBag<Task> _connections = [];
    private readonly Task _accepting;

    public LoopbackHttpServer(Func<ReceivedRequest, CancellationToken, Task<ScriptedResponse>> handler)
    {
        _handler = handler;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Url = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _accepting = AcceptAsync();
    }

    /// <summary>A server answering every request with <paramref name="responses"/> in turn (the last one repeats).</summary>
    public static LoopbackHttpServer Scripted(params ScriptedResponse[] responses)
    {
        int next = -1;
        return new LoopbackHttpServer((_, _) => Task.FromResult(responses[Math.Min(Interlocked.Increment(ref next), responses.Length - 1)]));
    }

    public Uri Url { get; }

    /// <summary>Every request received, in arrival order.</summary>
    public ConcurrentQueue<ReceivedRequest> Requests { get; } = new();

    /// <summary>The bearer token requests must carry, or null for none.</summary>
    public string? RequiredBearer { get; init; }

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
                var response = RequiredBearer is not null && request.Bearer != RequiredBearer
                    ? ScriptedResponse.GoogleError(401, "Unauthorized", "Your client does not have permission to the requested URL <code>/</code>.", ("WWW-Authenticate", "Bearer error=\"invalid_token\""))
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
        200 => "OK", 400 => "Bad Request", 401 => "Unauthorized", 403 => "Forbidden", 404 => "Not Found", 429 => "Too Many Requests",
        500 => "Internal Server Error", 502 => "Bad Gateway", 503 => "Service Unavailable", 504 => "Gateway Timeout", _ => "Status",
    };

    private static (string Method, string Target, List<KeyValuePair<string, string>> Headers) ParseHead(string head)
    {
        var lines = head.Split("\r\n");
        var parts = lines[0].Split(' ');
        var headers = lines.Skip(1).Select(line => new KeyValuePair<string, string>(line[..line.IndexOf(':')], line[(line.IndexOf(':') + 1)..])).ToList();
        return (parts[0], parts[1], headers);
    }
}

/// <summary>JWTs for tests (unsigned: nothing here checks Google's signature).</summary>
internal static class TestJwt
{
    public static string Create(string audience, DateTimeOffset expires, string subject = "proxy@tiered-test.iam.gserviceaccount.com")
    {
        static string Part(string json) => Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return Part("""{"alg":"RS256","typ":"JWT","kid":"test"}""") + "." +
            Part($$"""{"aud":"{{audience}}","azp":"1234","email":"{{subject}}","exp":{{expires.ToUnixTimeSeconds()}},"iat":{{expires.AddHours(-1).ToUnixTimeSeconds()}},"iss":"https://accounts.google.com","sub":"1234"}""") +
            ".c2lnbmF0dXJl";
    }
}
