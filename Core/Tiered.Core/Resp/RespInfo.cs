using System.Globalization;
using System.Text;

namespace Tiered.Resp;

/// <summary>Builds the INFO reply: Redis' field names where clients parse them, the proxies' counters besides.</summary>
internal static class RespInfo
{
    private static readonly string[] DefaultSections = ["server", "clients", "stats", "replication", "cluster", "keyspace"];

    public static bool NeedsStats(List<string> sections) =>
        sections.Count == 0 || sections.Any(s => s is "stats" or "keyspace" or "all" or "everything" or "default" or "tiered");

    public static long Objects(IReadOnlyDictionary<string, Dictionary<string, long>> stats) =>
        stats.Values.Sum(proxy => proxy.GetValueOrDefault("objects"));

    public static string Build(RespServer server, List<string> requested, IReadOnlyDictionary<string, Dictionary<string, long>> stats)
    {
        var sections = requested.Count == 0 || requested.Any(s => s is "all" or "everything" or "default")
            ? [.. DefaultSections, "tiered"]
            : requested;
        var text = new StringBuilder();
        foreach (var section in DefaultSections.Append("tiered").Where(sections.Contains))
        {
            if (text.Length > 0) text.Append("\r\n");
            switch (section)
            {
                case "server": Server(text, server); break;
                case "clients":
                    text.Append("# Clients\r\n");
                    Field(text, "connected_clients", server.ConnectedClients);
                    Field(text, "maxclients", server.Options.MaxClients);
                    break;
                case "stats": Stats(text, server, stats); break;
                case "replication":
                    text.Append("# Replication\r\n");
                    Field(text, "role", "master");
                    Field(text, "connected_slaves", 0);
                    break;
                case "cluster":
                    text.Append("# Cluster\r\n");
                    Field(text, "cluster_enabled", 0);
                    break;
                case "keyspace":
                    text.Append("# Keyspace\r\n");
                    long objects = Objects(stats);
                    if (objects > 0) text.Append("db0:keys=").Append(objects).Append(",expires=0,avg_ttl=0\r\n");
                    break;
                case "tiered":
                    text.Append("# Tiered\r\n");
                    foreach (var (proxy, counters) in stats.OrderBy(p => p.Key, StringComparer.Ordinal))
                        foreach (var (name, value) in counters.OrderBy(c => c.Key, StringComparer.Ordinal))
                            text.Append("proxy_").Append(proxy.Replace(':', '_')).Append('_').Append(name).Append(':').Append(value).Append("\r\n");
                    break;
            }
        }
        return text.ToString();
    }

    private static void Server(StringBuilder text, RespServer server)
    {
        var uptime = server.Time.GetUtcNow() - server.StartedAt;
        text.Append("# Server\r\n");
        Field(text, "redis_version", server.Options.RedisVersion);
        Field(text, "redis_mode", "standalone");
        Field(text, "tiered_version", typeof(RespServer).Assembly.GetName().Version?.ToString() ?? "0.0.0");
        Field(text, "os", System.Runtime.InteropServices.RuntimeInformation.OSDescription);
        Field(text, "arch_bits", Environment.Is64BitProcess ? 64 : 32);
        Field(text, "process_id", Environment.ProcessId);
        Field(text, "run_id", server.RunId);
        Field(text, "tcp_port", server.EndPoint.Port);
        Field(text, "uptime_in_seconds", (long)uptime.TotalSeconds);
        Field(text, "uptime_in_days", (long)uptime.TotalDays);
        Field(text, "executable", Environment.ProcessPath ?? "");
    }

    private static void Stats(StringBuilder text, RespServer server, IReadOnlyDictionary<string, Dictionary<string, long>> stats)
    {
        long Sum(string name) => stats.Values.Sum(proxy => proxy.GetValueOrDefault(name));
        text.Append("# Stats\r\n");
        Field(text, "total_connections_received", server.TotalConnections);
        Field(text, "total_commands_processed", server.TotalCommands);
        Field(text, "rejected_connections", server.RejectedConnections);
        Field(text, "total_net_input_bytes", Sum("bytes_in"));
        Field(text, "total_net_output_bytes", Sum("bytes_out"));
        Field(text, "evicted_keys", Sum("evictions"));
        Field(text, "keyspace_hits", Sum("hits"));
        Field(text, "keyspace_misses", Sum("misses"));
    }

    private static void Field(StringBuilder text, string name, object value) =>
        text.Append(name).Append(':').Append(Convert.ToString(value, CultureInfo.InvariantCulture)).Append("\r\n");
}
