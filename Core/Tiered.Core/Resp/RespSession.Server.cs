using System.Text;

namespace Tiered.Resp;

internal sealed partial class RespSession
{
    public async ValueTask InfoAsync(RespCommand command, CancellationToken cancellationToken)
    {
        var sections = new List<string>();
        for (int i = 1; i < command.Count; i++) sections.Add(command.Text(i).ToLowerInvariant());
        IReadOnlyDictionary<string, Dictionary<string, long>> stats = RespInfo.NeedsStats(sections)
            ? await Store.GetStatsAsync(cancellationToken).ConfigureAwait(false)
            : new Dictionary<string, Dictionary<string, long>>();
        _reply.Bulk(RespInfo.Build(_server, sections, stats));
    }

    public async ValueTask DbSizeAsync(CancellationToken cancellationToken)
    {
        var stats = await Store.GetStatsAsync(cancellationToken).ConfigureAwait(false);
        _reply.Integer(RespInfo.Objects(stats));
    }

    /// <summary><c>COMMAND</c>, <c>COMMAND COUNT</c>, <c>COMMAND INFO name…</c>, <c>COMMAND DOCS [name…]</c>, <c>COMMAND LIST</c>.</summary>
    public ValueTask Command(RespCommand command)
    {
        var all = RespCommandTable.Commands;
        string sub = command.Count > 1 ? command.Text(1).ToLowerInvariant() : "";
        switch (sub)
        {
            case "":
                _reply.ArrayHeader(all.Count);
                foreach (var spec in all.Values) WriteCommandInfo(spec);
                break;
            case "count" when command.Count == 2:
                _reply.Integer(all.Count);
                break;
            case "list" when command.Count == 2:
                _reply.ArrayHeader(all.Count);
                foreach (var name in all.Keys) _reply.Bulk(name);
                break;
            case "info":
                var names = command.Count == 2 ? all.Keys.ToList() : Enumerable.Range(2, command.Count - 2).Select(i => command.Text(i).ToLowerInvariant()).ToList();
                _reply.ArrayHeader(names.Count);
                foreach (var name in names)
                    if (all.TryGetValue(name, out var spec)) WriteCommandInfo(spec);
                    else _reply.NullArray();
                break;
            case "docs":
                var docs = (command.Count == 2 ? all.Values : Enumerable.Range(2, command.Count - 2)
                    .Select(i => all.GetValueOrDefault(command.Text(i).ToLowerInvariant())).OfType<RespCommandSpec>()).ToList();
                _reply.ArrayHeader(docs.Count * 2);
                foreach (var spec in docs)
                {
                    _reply.Bulk(spec.Name);
                    _reply.ArrayHeader(6);
                    _reply.Bulk("summary"); _reply.Bulk(spec.Summary);
                    _reply.Bulk("since"); _reply.Bulk("1.0.0");
                    _reply.Bulk("group"); _reply.Bulk(spec.Group);
                }
                break;
            case "count" or "list":
                _reply.Error($"ERR wrong number of arguments for 'command|{sub}' command");
                break;
            default:
                _reply.Error($"ERR unknown subcommand '{Printable(command, 1)}'. Try COMMAND HELP.");
                break;
        }
        return default;
    }

    private void WriteCommandInfo(RespCommandSpec spec)
    {
        _reply.ArrayHeader(10);
        _reply.Bulk(spec.Name);
        _reply.Integer(spec.Arity);
        _reply.ArrayHeader(spec.Flags.Length);
        foreach (var flag in spec.Flags) _reply.Simple(flag);
        _reply.Integer(spec.FirstKey);
        _reply.Integer(spec.LastKey);
        _reply.Integer(spec.Step);
        _reply.ArrayHeader(0); // ACL categories
        _reply.ArrayHeader(0); // tips
        _reply.ArrayHeader(0); // key specs
        _reply.ArrayHeader(0); // subcommands
    }

    /// <summary><c>CONFIG GET pattern…</c> answers the settings clients and tools ask for; nothing can be set.</summary>
    public ValueTask Config(RespCommand command)
    {
        if (command.Is(1, "get") && command.Count >= 3)
        {
            var settings = ConfigValues();
            var matches = new List<KeyValuePair<string, string>>();
            for (int i = 2; i < command.Count; i++)
            {
                string pattern = command.Text(i).ToLowerInvariant();
                foreach (var setting in settings)
                    if (RespGlob.IsMatch(pattern, setting.Key) && !matches.Any(m => m.Key == setting.Key)) matches.Add(setting);
            }
            _reply.ArrayHeader(matches.Count * 2);
            foreach (var (name, value) in matches) { _reply.Bulk(name); _reply.Bulk(value); }
        }
        else if (command.Is(1, "resetstat") && command.Count == 2) _reply.Simple("OK");
        else if (command.Is(1, "get")) _reply.Error("ERR wrong number of arguments for 'config|get' command");
        else if (command.Is(1, "set") || command.Is(1, "rewrite")) _reply.Error("ERR CONFIG SET and REWRITE are not supported: the tier is configured by its host");
        else _reply.Error($"ERR unknown subcommand '{Printable(command, 1)}'. Try CONFIG HELP.");
        return default;
    }

    private Dictionary<string, string> ConfigValues() => new(StringComparer.Ordinal)
    {
        ["appendonly"] = "no",
        ["save"] = "",
        ["databases"] = "1",
        ["maxmemory"] = "0",
        ["maxmemory-policy"] = "allkeys-lru",
        ["timeout"] = "0",
        ["port"] = _server.EndPoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["bind"] = _server.EndPoint.Address.ToString(),
        ["maxclients"] = Options.MaxClients.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["proto-max-bulk-len"] = Options.MaxBulkLength.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["replica-read-only"] = "yes",
        ["slave-read-only"] = "yes",
        ["cluster-enabled"] = "no",
    };

    public ValueTask Role()
    {
        _reply.ArrayHeader(3);
        _reply.Bulk("master");
        _reply.Integer(0);
        _reply.ArrayHeader(0);
        return default;
    }

    public ValueTask Time()
    {
        long micros = (_server.Time.GetUtcNow() - DateTimeOffset.UnixEpoch).Ticks / 10;
        _reply.ArrayHeader(2);
        _reply.Bulk((micros / 1_000_000).ToString(System.Globalization.CultureInfo.InvariantCulture));
        _reply.Bulk((micros % 1_000_000).ToString(System.Globalization.CultureInfo.InvariantCulture));
        return default;
    }

    public ValueTask Cluster()
    {
        _reply.Error("ERR This instance has cluster support disabled");
        return default;
    }
}
