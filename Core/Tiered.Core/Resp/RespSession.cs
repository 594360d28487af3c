using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Unicode;
using Microsoft.Extensions.Logging;
using Tiered.Client;

namespace Tiered.Resp;

/// <summary>One client's state (authenticated, name) and the command handlers; replies go to its <see cref="RespReplyWriter"/>.</summary>
internal sealed partial class RespSession
{
    private const int MaxKeyLength = 1024;

    private readonly RespServer _server;
    private readonly RespReplyWriter _reply;

    public RespSession(RespServer server, RespReplyWriter reply, long id, string remote)
    {
        _server = server;
        _reply = reply;
        Id = id;
        Remote = remote;
        Authenticated = server.Options.RequirePass is null;
    }

    public long Id { get; }
    public string Remote { get; }
    public bool Authenticated { get; private set; }
    public string? ClientName { get; private set; }

    /// <summary>Set by QUIT: the connection closes after the reply is flushed.</summary>
    public bool CloseRequested { get; private set; }

    private IRespStore Store => _server.Store;
    private RespServerOptions Options => _server.Options;

    public async ValueTask ExecuteAsync(RespCommand command, CancellationToken cancellationToken)
    {
        _server.CountCommand();
        if (!RespCommandTable.Commands.TryGetValue(command.Name, out var spec))
        {
            var args = new StringBuilder();
            for (int i = 1; i < command.Count && args.Length < 128; i++) args.Append('\'').Append(Printable(command, i)).Append("' ");
            _reply.Error($"ERR unknown command '{Printable(command, 0)}', with args beginning with: {args}");
            return;
        }
        if (!spec.ArityMatches(command.Count))
        {
            _reply.Error($"ERR wrong number of arguments for '{spec.Name}' command");
            return;
        }
        if (!Authenticated && !spec.NoAuth)
        {
            _reply.Error("NOAUTH Authentication required.");
            return;
        }
        try
        {
            await spec.Handler(this, command, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is TierException or TimeoutException or ArgumentException or InvalidOperationException && !cancellationToken.IsCancellationRequested)
        {
            RespLog.CommandFailed(_server.Logger, spec.Name, Remote, e.Message);
            _reply.Error($"ERR {spec.Name}: {e.Message}");
        }
    }

    /// <summary>A key argument as a tier key (UTF-8 text), or false after replying with the reason it cannot be one.</summary>
    private bool TryKey(RespCommand command, int index, out string key)
    {
        var bytes = command[index].Span;
        key = "";
        if (bytes.IsEmpty) { _reply.Error("ERR empty keys are not supported by the tier"); return false; }
        if (!Utf8.IsValid(bytes)) { _reply.Error("ERR keys must be valid UTF-8 for the tier"); return false; }
        key = Encoding.UTF8.GetString(bytes);
        if (key.Length > MaxKeyLength) { _reply.Error($"ERR keys may have at most {MaxKeyLength} characters, not {key.Length}"); return false; }
        return true;
    }

    private bool TryInteger(RespCommand command, int index, out long value)
    {
        var text = command[index].Span;
        if (Utf8Parser.TryParse(text, out value, out int consumed) && consumed == text.Length && text.Length > 0) return true;
        _reply.Error("ERR value is not an integer or out of range");
        return false;
    }

    private bool PasswordMatches(ReadOnlySpan<byte> password)
    {
        var expected = Encoding.UTF8.GetBytes(Options.RequirePass!);
        return password.Length == expected.Length && CryptographicOperations.FixedTimeEquals(password, expected);
    }

    private static string Printable(RespCommand command, int index)
    {
        var text = command.Text(index);
        return text.Length > 64 ? text[..64] : text;
    }

    private TimeSpan Now => TimeSpan.FromMilliseconds(_server.Time.GetUtcNow().ToUnixTimeMilliseconds());
}
