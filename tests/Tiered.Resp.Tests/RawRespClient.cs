using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Tiered.Resp.Tests;

/// <summary>A bare socket to the endpoint: sends exact bytes, reads one reply at a time as text.</summary>
public sealed class RawRespClient : IDisposable
{
    private readonly Socket _socket;
    private readonly NetworkStream _stream;

    private RawRespClient(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true) { ReadTimeout = 30_000 };
    }

    public static async Task<RawRespClient> ConnectAsync(int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
        return new RawRespClient(socket);
    }

    public void Send(string raw) => _stream.Write(Encoding.UTF8.GetBytes(raw));

    /// <summary>Sends a command as a multibulk request.</summary>
    public void Command(params string[] arguments)
    {
        var text = new StringBuilder().Append('*').Append(arguments.Length).Append("\r\n");
        foreach (var argument in arguments)
            text.Append('$').Append(Encoding.UTF8.GetByteCount(argument)).Append("\r\n").Append(argument).Append("\r\n");
        Send(text.ToString());
    }

    /// <summary>One complete reply in its wire form (arrays and bulk strings included), CR LF kept.</summary>
    public string ReadReply()
    {
        var reply = new StringBuilder();
        ReadInto(reply);
        return reply.ToString();
    }

    public string Call(params string[] arguments)
    {
        Command(arguments);
        return ReadReply();
    }

    /// <summary>True when the server closed the connection (a read returns end of stream).</summary>
    public bool IsClosedByServer()
    {
        try
        {
            return _stream.ReadByte() < 0;
        }
        catch (IOException)
        {
            return true;
        }
    }

    private void ReadInto(StringBuilder reply)
    {
        string line = ReadLine();
        reply.Append(line).Append("\r\n");
        if (line[0] == '$' && int.Parse(line.AsSpan(1)) is var length and >= 0)
        {
            var bytes = new byte[length + 2];
            _stream.ReadExactly(bytes);
            reply.Append(Encoding.UTF8.GetString(bytes));
        }
        else if (line[0] == '*' && int.Parse(line.AsSpan(1)) is var count and > 0)
        {
            for (int i = 0; i < count; i++) ReadInto(reply);
        }
    }

    private string ReadLine()
    {
        var line = new List<byte>();
        while (true)
        {
            int b = _stream.ReadByte();
            if (b < 0) throw new EndOfStreamException($"The server closed the connection after '{Encoding.UTF8.GetString([.. line])}'.");
            if (b == '\n' && line.Count > 0 && line[^1] == '\r') return Encoding.UTF8.GetString(line.ToArray(), 0, line.Count - 1);
            line.Add((byte)b);
        }
    }

    public void Dispose() => _stream.Dispose();
}
