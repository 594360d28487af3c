using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Tiered.Providers.Azure.Tests;

/// <summary>A request as it arrived: method, path, every header line, the body.</summary>
internal sealed record ReceivedRequest(string Method, string Path, IReadOnlyList<KeyValuePair<string, string>> Headers, byte[] Body)
{
    public string? Header(string name)
    {
        var values = Headers.Where(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value.Trim()).ToList();
        return values.Count == 0 ? null : string.Join(",", values);
    }

    /// <summary>The app of <c>/{app}/api/…</c> (the tests' BaseUrl is <c>http://127.0.0.1:port/{app}</c>).</summary>
    public string App => Path.Split('/')[1];
}

/// <summary>What the server answers.</summary>
internal sealed record ScriptedResponse(int Status, byte[] Body, IReadOnlyList<KeyValuePair<string, string>> Headers, TimeSpan Delay = default)
{
    public static ScriptedResponse Json(int status, string json, params (string Name, string Value)[] headers) =>
        new(status, Encoding.UTF8.GetBytes(json), headers.Select(h => new KeyValuePair<string, string>(h.Name, h.Value)).ToList());

    public static ScriptedResponse Text(int status, string text, params (string Name, string Value)[] headers) => Json(status, text, headers);

    public static ScriptedResponse Empty(int status, params (string Name, string Value)[] headers) => Json(status, "", headers);
}

/// <summary>
/// A minimal HTTP/1.1 server on 127.0.0.1 playing Azure Functions front ends (a raw <see cref="TcpListener"/>, keep-alive,
/// Content-Length bodies): it records every request and answers what the test's handler says. When <see cref="RequiredKey"/>
/// is set it answers a request without that <c>x-functions-key</c> with 401 and an empty body, as Azure does.
/// </summary>
internal sealed class LoopbackFunctionServer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly Func<ReceivedRequest, CancellationToken, Task<ScriptedResponse>> _handler;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentBag<Task> _connections = [];
    private readonly Task _accepting;

    public LoopbackFunctionServer(Func<ReceivedRequest, CancellationToken, Task<ScriptedResponse>> handler)
    {
        _handler = handler;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Url = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _accepting = AcceptAsync();
    }

    /// <summary>A server answering every request with <paramref name="responses"/> in turn (the last one repeats).</summary>
    public static LoopbackFunctionServer Scripted(params ScriptedResponse[] responses)
    {
        int next = -1;
        return new LoopbackFunctionServer((_, _) => Task.FromResult(responses[Math.Min(Interlocked.Increment(ref next), responses.Length - 1)]));
    }

    public Uri Url { get; }

    /// <summary>The backend's BaseUrl for this server: <c>http://127.0.0.1:port/{app}</c>.</summary>
    public string BaseUrl => Url + "{app}";

    /// <summary>The key every request must carry, or null to accept any.</summary>
    public string? RequiredKey { get; set; }

    /// <summary>Every request received, in arrival order.</summary>
    public ConcurrentQueue<ReceivedRequest> Requests { get; } = new();

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

                var request = new ReceivedRequest(method, target, headers, body);
                Requests.Enqueue(request);
                var response = RequiredKey is { } key && request.Header("x-functions-key") != key
                    ? ScriptedResponse.Empty(401)
                    : await _handler(request, _stop.Token).ConfigureAwait(false);
                if (response.Delay > TimeSpan.Zero) await Task.Delay(response.Delay, _stop.Token).ConfigureAwait(false);
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
        200 => "OK", 400 => "Bad Request", 401 => "Unauthorized", 403 => "Forbidden", 404 => "Not Found", 413 => "Payload Too Large",
        429 => "Too Many Requests", 500 => "Internal Server Error", 502 => "Bad Gateway", 503 => "Service Unavailable", _ => "Status",
    };

    private static (string Method, string Target, List<KeyValuePair<string, string>> Headers) ParseHead(string head)
    {
        var lines = head.Split("\r\n");
        var parts = lines[0].Split(' ');
        var headers = lines.Skip(1).Select(line => new KeyValuePair<string, string>(line[..line.IndexOf(':')], line[(line.IndexOf(':') + 1)..])).ToList();
        return (parts[0], parts[1], headers);
    }
}

/// <summary>A secret store in memory that counts reads and can fail on demand.</summary>
internal sealed class FakeSecretSource : ISecretSource
{
    private readonly ConcurrentDictionary<string, Queue<string>> _values = new(StringComparer.Ordinal);

    public string Description => "the fake vault";

    /// <summary>Names asked for, in order.</summary>
    public ConcurrentQueue<string> Reads { get; } = new();

    /// <summary>When set, the next reads fail with it.</summary>
    public Exception? Failure { get; set; }

    /// <summary>How long a read takes.</summary>
    public TimeSpan Latency { get; set; }

    /// <summary>Sets what reads of <paramref name="name"/> return, in turn (the last one repeats).</summary>
    public FakeSecretSource With(string name, params string[] values)
    {
        _values[name] = new Queue<string>(values);
        return this;
    }

    public async Task<string> GetSecretAsync(string name, CancellationToken cancellationToken = default)
    {
        Reads.Enqueue(name);
        if (Latency > TimeSpan.Zero) await Task.Delay(Latency, cancellationToken);
        if (Failure is { } failure) throw failure;
        if (!_values.TryGetValue(name, out var queue)) throw new AzureFunctionKeyException($"The secret '{name}' does not exist in {Description}.");
        lock (queue) return queue.Count > 1 ? queue.Dequeue() : queue.Peek();
    }
}
