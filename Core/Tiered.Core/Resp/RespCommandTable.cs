using System.Collections.Frozen;

namespace Tiered.Resp;

/// <summary>Every command the endpoint serves.</summary>
internal static class RespCommandTable
{
    private static readonly string[] ReadFast = ["readonly", "fast"];
    private static readonly string[] Write = ["write", "denyoom"];
    private static readonly string[] WriteFast = ["write", "fast"];
    private static readonly string[] ConnectionFlags = ["noscript", "loading", "stale", "fast", "no-auth"];
    private static readonly string[] Admin = ["admin", "noscript", "loading", "stale"];
    private static readonly string[] Info = ["loading", "stale"];

    public static FrozenDictionary<string, RespCommandSpec> Commands { get; } = new RespCommandSpec[]
    {
        // strings
        new("get", 2, ReadFast, 1, 1, 1, "string", "Returns the string value of a key.", (s, c, t) => s.GetAsync(c, t)),
        new("set", -3, Write, 1, 1, 1, "string", "Sets the string value of a key, ignoring its type. The key is created if it doesn't exist.", (s, c, t) => s.SetAsync(c, t)),
        new("setnx", 3, WriteFast, 1, 1, 1, "string", "Set the string value of a key only when the key doesn't exist.", (s, c, t) => s.SetNxAsync(c, t)),
        new("setex", 4, Write, 1, 1, 1, "string", "Sets the string value and expiration time of a key.", (s, c, t) => s.SetExAsync(c, 1000, t)),
        new("psetex", 4, Write, 1, 1, 1, "string", "Sets both string value and expiration time in milliseconds of a key.", (s, c, t) => s.SetExAsync(c, 1, t)),
        new("mget", -2, ReadFast, 1, -1, 1, "string", "Atomically returns the string values of one or more keys.", (s, c, t) => s.MGetAsync(c, t)),
        new("getdel", 2, WriteFast, 1, 1, 1, "string", "Returns the string value of a key after deleting the key.", (s, c, t) => s.GetDelAsync(c, t)),
        new("strlen", 2, ReadFast, 1, 1, 1, "string", "Returns the length of a string value.", (s, c, t) => s.StrLenAsync(c, t)),
        // keys
        new("del", -2, ["write"], 1, -1, 1, "generic", "Deletes one or more keys.", (s, c, t) => s.DelAsync(c, t)),
        new("unlink", -2, WriteFast, 1, -1, 1, "generic", "Asynchronously deletes one or more keys.", (s, c, t) => s.DelAsync(c, t)),
        new("exists", -2, ReadFast, 1, -1, 1, "generic", "Determines whether one or more keys exist.", (s, c, t) => s.ExistsAsync(c, t)),
        new("type", 2, ReadFast, 1, 1, 1, "generic", "Determines the type of value stored at a key.", (s, c, t) => s.TypeAsync(c, t)),
        new("ttl", 2, ReadFast, 1, 1, 1, "generic", "Returns the expiration time in seconds of a key.", (s, c, t) => s.TtlAsync(c, 1000, t)),
        new("pttl", 2, ReadFast, 1, 1, 1, "generic", "Returns the expiration time in milliseconds of a key.", (s, c, t) => s.TtlAsync(c, 1, t)),
        new("expire", -3, WriteFast, 1, 1, 1, "generic", "Sets the expiration time of a key in seconds.", (s, c, t) => s.ExpireAsync(c, 1000, absolute: false, t)),
        new("pexpire", -3, WriteFast, 1, 1, 1, "generic", "Sets the expiration time of a key in milliseconds.", (s, c, t) => s.ExpireAsync(c, 1, absolute: false, t)),
        new("expireat", -3, WriteFast, 1, 1, 1, "generic", "Sets the expiration time of a key to a Unix timestamp.", (s, c, t) => s.ExpireAsync(c, 1000, absolute: true, t)),
        new("pexpireat", -3, WriteFast, 1, 1, 1, "generic", "Sets the expiration time of a key to a Unix milliseconds timestamp.", (s, c, t) => s.ExpireAsync(c, 1, absolute: true, t)),
        new("persist", 2, WriteFast, 1, 1, 1, "generic", "Removes the expiration time of a key.", (s, c, t) => s.PersistAsync(c, t)),
        // connection
        new("ping", -1, ["fast"], 0, 0, 0, "connection", "Returns the server's liveliness response.", (s, c, t) => s.Ping(c)),
        new("echo", 2, ["fast"], 0, 0, 0, "connection", "Returns the given string.", (s, c, t) => s.Echo(c)),
        new("auth", -2, ConnectionFlags, 0, 0, 0, "connection", "Authenticates the connection.", (s, c, t) => s.Auth(c)),
        new("hello", -1, ConnectionFlags, 0, 0, 0, "connection", "Handshakes with the server (only RESP2 is spoken).", (s, c, t) => s.Hello(c)),
        new("quit", -1, ConnectionFlags, 0, 0, 0, "connection", "Closes the connection.", (s, c, t) => s.Quit()),
        new("select", 2, ["loading", "stale", "fast"], 0, 0, 0, "connection", "Changes the selected database (only 0 exists).", (s, c, t) => s.Select(c)),
        new("client", -2, ["noscript", "loading", "stale"], 0, 0, 0, "connection", "CLIENT SETNAME, GETNAME, SETINFO, ID, INFO, LIST, REPLY.", (s, c, t) => s.Client(c)),
        // server
        new("info", -1, Info, 0, 0, 0, "server", "Returns information and statistics about the server.", (s, c, t) => s.InfoAsync(c, t)),
        new("dbsize", 1, ReadFast, 0, 0, 0, "server", "Returns the number of keys in the tier.", (s, c, t) => s.DbSizeAsync(t)),
        new("command", -1, Info, 0, 0, 0, "server", "Returns detailed information about all commands.", (s, c, t) => s.Command(c)),
        new("config", -2, Admin, 0, 0, 0, "server", "CONFIG GET of the settings clients ask for at connect.", (s, c, t) => s.Config(c)),
        new("role", 1, ["noscript", "loading", "stale", "fast"], 0, 0, 0, "server", "Returns the replication role (always master).", (s, c, t) => s.Role()),
        new("time", 1, ["loading", "stale", "fast"], 0, 0, 0, "server", "Returns the server time.", (s, c, t) => s.Time()),
        new("cluster", -2, ["noscript", "loading", "stale"], 0, 0, 0, "cluster", "Cluster commands (cluster support is disabled).", (s, c, t) => s.Cluster()),
    }.ToFrozenDictionary(spec => spec.Name, StringComparer.Ordinal);
}
