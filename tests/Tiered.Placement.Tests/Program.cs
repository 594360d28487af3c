using System.Globalization;
using Tiered.Placement;

namespace Tiered.Placement.Tests;

/// <summary>
/// The entry point used when the test assembly runs as a child process (<c>dotnet exec Tiered.Placement.Tests.dll locate …</c>):
/// it builds a placement and prints where keys and chunks live, one line per key, so a test can compare two processes.
/// </summary>
public static class Program
{
    /// <summary>
    /// <c>locate STRATEGY NODES KEYS CHUNKS ORDER</c>: nodes node-0 … node-(NODES-1), added in ORDER (<c>forward</c> or
    /// <c>reverse</c>); keys key-0 … key-(KEYS-1); prints "key node chunk-nodes…".
    /// </summary>
    public static int Main(string[] args)
    {
        if (args.Length != 6 || args[0] != "locate")
        {
            Console.Error.WriteLine("usage: locate STRATEGY NODES KEYS CHUNKS forward|reverse");
            return 2;
        }
        Console.Out.Write(Locations(args[1], int.Parse(args[2], CultureInfo.InvariantCulture), int.Parse(args[3], CultureInfo.InvariantCulture),
            int.Parse(args[4], CultureInfo.InvariantCulture), args[5] == "reverse"));
        return 0;
    }

    /// <summary>The text the child prints, computed in this process.</summary>
    public static string Locations(string strategy, int nodes, int keys, int chunks, bool reverse)
    {
        var placement = PlacementFactory.Create(strategy);
        var order = Enumerable.Range(0, nodes);
        foreach (int i in reverse ? order.Reverse() : order) placement.Add($"node-{i}");
        var text = new System.Text.StringBuilder();
        var chunkNodes = new string[chunks];
        for (int k = 0; k < keys; k++)
        {
            string key = $"key-{k}";
            placement.LocateDistinct(key, chunkNodes);
            text.Append(key).Append(' ').Append(placement.Locate(key)).Append(' ').AppendJoin(',', chunkNodes).Append('\n');
        }
        return text.ToString();
    }
}
