using System.IO.Pipelines;
using System.Net.Sockets;

namespace Tiered.Resp;

/// <summary>One client connection: reads requests from a <see cref="PipeReader"/>, runs them in order, writes replies to a <see cref="PipeWriter"/>.</summary>
internal sealed class RespConnection
{
    private readonly RespServer _server;
    private readonly Socket _socket;
    private readonly long _id;
    private readonly string _remote;
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public RespConnection(RespServer server, Socket socket, long id)
    {
        _server = server;
        _socket = socket;
        _id = id;
        _remote = socket.RemoteEndPoint?.ToString() ?? "?";
        Stream = new NetworkStream(socket, ownsSocket: true);
        Reader = PipeReader.Create(Stream, new StreamPipeReaderOptions(bufferSize: 64 * 1024, minimumReadSize: 16 * 1024, leaveOpen: true));
        Writer = PipeWriter.Create(Stream, new StreamPipeWriterOptions(minimumBufferSize: 16 * 1024, leaveOpen: true));
        Replies = new RespReplyWriter(Writer);
        Session = new RespSession(server, Replies, id, _remote);
    }

    private NetworkStream Stream { get; }
    private PipeReader Reader { get; }
    private PipeWriter Writer { get; }
    private RespReplyWriter Replies { get; }
    public RespSession Session { get; }
    public Task Completion => _completion.Task;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        RespLog.Connected(_server.Logger, _id, _remote);
        var parser = new RespCommandReader(Reader, _server.Options);
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                RespCommand? command;
                try
                {
                    command = await parser.ReadAsync(Session.Authenticated, cancellationToken).ConfigureAwait(false);
                }
                catch (RespProtocolException e)
                {
                    RespLog.ProtocolError(_server.Logger, _remote, e.Message);
                    Replies.Error("ERR Protocol error: " + e.Message);
                    await Replies.FlushAsync(cancellationToken).ConfigureAwait(false);
                    break;
                }
                if (command is null) break;
                using (command)
                {
                    await Session.ExecuteAsync(command, cancellationToken).ConfigureAwait(false);
                }
                // Pipelined requests already received are answered together: flush when none is waiting.
                if (Session.CloseRequested || !HasBufferedInput())
                    await Replies.FlushAsync(cancellationToken).ConfigureAwait(false);
                if (Session.CloseRequested) break;
            }
        }
        catch (Exception e) when (e is EndOfStreamException or IOException or SocketException or ObjectDisposedException
            || e is OperationCanceledException && cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            RespLog.ConnectionFailed(_server.Logger, e, _id, _remote);
        }
        finally
        {
            await Reader.CompleteAsync().ConfigureAwait(false);
            try
            {
                await Writer.CompleteAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
            {
            }
            await Stream.DisposeAsync().ConfigureAwait(false);
            RespLog.Disconnected(_server.Logger, _id, _remote);
            _completion.TrySetResult();
        }
    }

    private bool HasBufferedInput()
    {
        if (!Reader.TryRead(out var result)) return false;
        bool any = !result.Buffer.IsEmpty;
        Reader.AdvanceTo(result.Buffer.Start);
        return any;
    }

    /// <summary>Closes the socket so that a pending read or write ends.</summary>
    public void Abort()
    {
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }
        _socket.Close();
    }
}
