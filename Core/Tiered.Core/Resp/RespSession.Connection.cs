using System.Text;

namespace Tiered.Resp;

internal sealed partial class RespSession
{
    public ValueTask Ping(RespCommand command)
    {
        if (command.Count > 2) _reply.Error("ERR wrong number of arguments for 'ping' command");
        else if (command.Count == 2) _reply.Bulk(command[1].Span);
        else _reply.Simple("PONG");
        return default;
    }

    public ValueTask Echo(RespCommand command)
    {
        _reply.Bulk(command[1].Span);
        return default;
    }

    /// <summary><c>AUTH password</c> or <c>AUTH default password</c> (the only user).</summary>
    public ValueTask Auth(RespCommand command)
    {
        if (command.Count > 3) { _reply.Error("ERR syntax error"); return default; }
        if (Options.RequirePass is null)
        {
            _reply.Error("ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?");
            return default;
        }
        if (TryAuthenticate(command, command.Count == 3 ? 1 : -1, command.Count - 1)) _reply.Simple("OK");
        else _reply.Error("WRONGPASS invalid username-password pair or user is disabled.");
        return default;
    }

    private bool TryAuthenticate(RespCommand command, int userIndex, int passwordIndex)
    {
        bool ok = (userIndex < 0 || command.Is(userIndex, "default")) && PasswordMatches(command[passwordIndex].Span);
        if (ok) Authenticated = true;
        else RespLog.AuthFailed(_server.Logger, Remote);
        return ok;
    }

    /// <summary>
    /// <c>HELLO [protover [AUTH user pass] [SETNAME name]]</c>: version 2 (or none) is answered like Redis does;
    /// any other version gets <c>-NOPROTO</c>, since only RESP2 is spoken.
    /// </summary>
    public ValueTask Hello(RespCommand command)
    {
        if (command.Count >= 2)
        {
            if (!long.TryParse(command.Text(1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long version))
            {
                _reply.Error("ERR Protocol version is not an integer or out of range");
                return default;
            }
            if (version != 2)
            {
                _reply.Error("NOPROTO sorry, this protocol version is not supported");
                return default;
            }
        }
        string? name = null;
        bool authenticating = false;
        for (int i = 2; i < command.Count; i++)
        {
            if (command.Is(i, "auth") && i + 2 < command.Count)
            {
                if (Options.RequirePass is null)
                {
                    _reply.Error("ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?");
                    return default;
                }
                if (!TryAuthenticate(command, i + 1, i + 2))
                {
                    _reply.Error("WRONGPASS invalid username-password pair or user is disabled.");
                    return default;
                }
                authenticating = true;
                i += 2;
            }
            else if (command.Is(i, "setname") && i + 1 < command.Count) name = command.Text(++i);
            else
            {
                _reply.Error($"ERR Syntax error in HELLO option '{Printable(command, i)}'");
                return default;
            }
        }
        if (!Authenticated && !authenticating)
        {
            _reply.Error("NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time");
            return default;
        }
        if (name is not null) ClientName = name;
        _reply.ArrayHeader(14);
        _reply.Bulk("server"); _reply.Bulk("redis");
        _reply.Bulk("version"); _reply.Bulk(Options.RedisVersion);
        _reply.Bulk("proto"); _reply.Integer(2);
        _reply.Bulk("id"); _reply.Integer(Id);
        _reply.Bulk("mode"); _reply.Bulk("standalone");
        _reply.Bulk("role"); _reply.Bulk("master");
        _reply.Bulk("modules"); _reply.ArrayHeader(0);
        return default;
    }

    public ValueTask Quit()
    {
        _reply.Simple("OK");
        CloseRequested = true;
        return default;
    }

    public ValueTask Select(RespCommand command)
    {
        if (!TryInteger(command, 1, out long index)) return default;
        if (index == 0) _reply.Simple("OK");
        else _reply.Error("ERR DB index is out of range");
        return default;
    }

    /// <summary>The CLIENT subcommands clients send at connect, and a few to look at connections.</summary>
    public ValueTask Client(RespCommand command)
    {
        string sub = command.Text(1).ToLowerInvariant();
        switch (sub)
        {
            case "setname" when command.Count == 3:
                var name = command.Text(2);
                if (name.Any(c => c <= ' ' || c > '~')) _reply.Error("ERR Client names cannot contain spaces, newlines or special characters.");
                else { ClientName = name.Length == 0 ? null : name; _reply.Simple("OK"); }
                break;
            case "getname" when command.Count == 2:
                if (ClientName is null) _reply.NullBulk(); else _reply.Bulk(ClientName);
                break;
            case "id" when command.Count == 2:
                _reply.Integer(Id);
                break;
            case "setinfo" when command.Count == 4:
            case "reply" when command.Count == 3 && command.Is(2, "on"):
            case "no-evict" when command.Count == 3:
            case "no-touch" when command.Count == 3:
                _reply.Simple("OK");
                break;
            case "info" when command.Count == 2:
                _reply.Bulk(ClientLine() + "\n");
                break;
            case "list":
                _reply.Bulk(string.Concat(_server.Sessions.Select(s => s.ClientLine() + "\n")));
                break;
            case "setname" or "getname" or "id" or "setinfo" or "info" or "reply" or "no-evict" or "no-touch":
                _reply.Error($"ERR wrong number of arguments for 'client|{sub}' command");
                break;
            default:
                _reply.Error($"ERR unknown subcommand '{Printable(command, 1)}'. Try CLIENT HELP.");
                break;
        }
        return default;
    }

    private string ClientLine() => new StringBuilder()
        .Append("id=").Append(Id).Append(" addr=").Append(Remote).Append(" name=").Append(ClientName).Append(" db=0 resp=2")
        .ToString();
}
