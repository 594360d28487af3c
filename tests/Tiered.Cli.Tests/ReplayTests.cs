using System.Diagnostics;
using System.Text.Json;
using System.Xml.Linq;
using Xunit;

namespace Tiered.Cli.Tests;

/// <summary>
/// Runs the built <c>tiered replay</c> end to end (a whole tier in the child process on a compressed clock) on a small,
/// fast workload and checks the bar and the report: full availability without faults and with reclaim-r, no wrong
/// bytes, a hit ratio, cost arithmetic consistent with the platform's metering, a JSON that parses and a well-formed SVG.
/// </summary>
public sealed class ReplayTests
{
    private static readonly string s_tiered = Path.Combine(AppContext.BaseDirectory, "tiered.dll");

    // 20 simulated minutes at 400×: 3 s of schedule; 100 objects, 2,500 requests at 1/256 scale (sizes up to 1 MiB).
    private static readonly string[] s_small = ["replay", "--duration", "20m", "--speed", "400", "--objects", "100", "--requests", "2500", "--scale", "1/256", "--quiet"];

    [Fact]
    public async Task Without_faults_every_get_is_served_with_the_right_bytes_and_the_cost_adds_up()
    {
        using var run = await ReplayRun.StartAsync("none");
        var root = run.Json.RootElement;

        Assert.Equal(0, run.Exit);
        Assert.Contains("Bar: met", run.Stdout);
        Assert.Contains("availability", run.Stdout);

        var requests = root.GetProperty("requests");
        Assert.Equal(2500, requests.GetProperty("total").GetInt64());
        Assert.Equal(0, requests.GetProperty("wrongBytes").GetInt64());
        Assert.True(requests.GetProperty("hitRatio").GetDouble() > 0);
        Assert.Equal(100, requests.GetProperty("misses").GetProperty("coldFirstAccess").GetInt64());
        var availability = root.GetProperty("availability");
        Assert.True(availability.GetProperty("expectedPresentGets").GetInt64() > 0);
        Assert.Equal(availability.GetProperty("expectedPresentGets").GetInt64(), availability.GetProperty("servedGets").GetInt64());
        Assert.Equal(1.0, availability.GetProperty("ratio").GetDouble());
        Assert.Equal(0, availability.GetProperty("objectsLost").GetInt64());

        AssertCostArithmetic(root.GetProperty("cost"));
        AssertLatencyClasses(root.GetProperty("latency"));
        AssertChart(run.ChartPath);
    }

    [Fact]
    public async Task With_reclaim_r_instances_are_lost_and_repaired_and_no_get_returns_wrong_bytes()
    {
        using var run = await ReplayRun.StartAsync("reclaim-r:0.2");
        var root = run.Json.RootElement;

        Assert.True(run.Exit is 0 or 1, $"exit {run.Exit}\n{run.Stdout}\n{run.Stderr}");
        var faults = root.GetProperty("faults");
        Assert.Equal("reclaim-r:0.2", faults.GetProperty("mode").GetString());
        Assert.True(faults.GetProperty("instancesReclaimedByReplay").GetInt64() > 0, run.Stdout);
        Assert.True(faults.GetProperty("chunksRepaired").GetInt64() > 0, run.Stdout);
        Assert.Equal(0, root.GetProperty("requests").GetProperty("wrongBytes").GetInt64());
        AssertCostArithmetic(root.GetProperty("cost"));
    }

    [Fact]
    public async Task With_reclaim_r_availability_is_100_percent()
    {
        using var run = await ReplayRun.StartAsync("reclaim-r:0.2");
        Assert.True(run.Exit == 0, run.Stdout);
        Assert.Equal(1.0, run.Json.RootElement.GetProperty("availability").GetProperty("ratio").GetDouble());
    }

    [Theory]
    [InlineData("--faults", "sometimes", "--faults sometimes")]
    [InlineData("--scale", "2", "--scale 2")]
    [InlineData("--duration", "soon", "--duration soon")]
    public async Task Bad_options_exit_2_with_a_message_naming_them(string option, string value, string expected)
    {
        var (exit, _, stderr) = await RunAsync(["replay", option, value, "--quiet"]);
        Assert.Equal(2, exit);
        Assert.Contains(expected, stderr);
    }

    private static void AssertCostArithmetic(JsonElement cost)
    {
        var scaled = cost.GetProperty("scaled");
        double gbSeconds = scaled.GetProperty("gbSeconds").GetDouble();
        Assert.True(gbSeconds > 0);
        // The meter (priced at 1 ms like the platform) agrees with the platform's own metering (to a millionth: an
        // invocation reclaimed mid-run can be billed a millisecond apart by the two).
        double platform = cost.GetProperty("platformGbSeconds").GetDouble();
        Assert.True(Math.Abs(platform - gbSeconds) <= 1e-6 * platform, $"meter {gbSeconds} GB-s vs platform {platform} GB-s");
        Assert.Equal(cost.GetProperty("platformInvocations").GetInt64(), scaled.GetProperty("invocations").GetInt64());
        double byKind = 0;
        long invocations = 0;
        foreach (var kind in scaled.GetProperty("byKind").EnumerateObject())
        {
            byKind += kind.Value.GetProperty("gbSeconds").GetDouble();
            invocations += kind.Value.GetProperty("invocations").GetInt64();
        }
        Assert.Equal(gbSeconds, byKind, 6);
        Assert.Equal(scaled.GetProperty("invocations").GetInt64(), invocations);
        Assert.True(scaled.GetProperty("byKind").GetProperty("serve").GetProperty("invocations").GetInt64() > 0);

        decimal compute = scaled.GetProperty("computeDollars").GetDecimal();
        decimal perInvocation = scaled.GetProperty("invocationDollars").GetDecimal();
        decimal total = scaled.GetProperty("totalDollars").GetDecimal();
        Assert.Equal(0.0000166667m, scaled.GetProperty("pricePerGbSecond").GetDecimal());
        Assert.Equal((double)((decimal)gbSeconds * 0.0000166667m), (double)compute, 9);
        Assert.Equal(invocations * 0.20m / 1_000_000m, perInvocation);
        Assert.Equal(compute + perInvocation, total);
        double hours = scaled.GetProperty("elapsedSeconds").GetDouble() / 3600;
        Assert.Equal((double)total / hours, (double)scaled.GetProperty("dollarsPerHour").GetDecimal(), 6);
        int nodes = scaled.GetProperty("cacheNodes").GetInt32();
        Assert.True(nodes >= 1);
        Assert.Equal(nodes * 10.368 * hours, (double)scaled.GetProperty("cacheDollars").GetDecimal(), 6);
        Assert.Equal((double)scaled.GetProperty("cacheDollars").GetDecimal() / (double)total, scaled.GetProperty("ratio").GetDouble(), 6);

        // The extrapolation multiplies GB-s by its stated factor.
        double factor = cost.GetProperty("extrapolation").GetProperty("factor").GetDouble();
        Assert.True(factor >= 1);
        Assert.Equal(gbSeconds * factor, cost.GetProperty("unscaled").GetProperty("gbSeconds").GetDouble(), 6);

        var curve = cost.GetProperty("curve").EnumerateArray().ToList();
        Assert.True(curve.Count >= 2);
        for (int i = 1; i < curve.Count; i++)
        {
            Assert.True(curve[i].GetProperty("simulatedSeconds").GetDouble() >= curve[i - 1].GetProperty("simulatedSeconds").GetDouble());
            Assert.True(curve[i].GetProperty("tieredDollars").GetDecimal() >= curve[i - 1].GetProperty("tieredDollars").GetDecimal());
            Assert.True(curve[i].GetProperty("elastiCacheDollars").GetDecimal() >= curve[i - 1].GetProperty("elastiCacheDollars").GetDecimal());
        }
    }

    private static void AssertLatencyClasses(JsonElement latency)
    {
        var classes = latency.EnumerateArray().ToList();
        Assert.Equal(4, classes.Count);
        Assert.Equal("< 4 KiB", classes[0].GetProperty("sizeClass").GetString());
        Assert.Equal("< 1 MiB", classes[0].GetProperty("standsFor").GetString());
        long gets = classes.Sum(c => c.GetProperty("get").GetProperty("count").GetInt64());
        Assert.True(gets > 0);
        foreach (var c in classes.Where(c => c.GetProperty("get").GetProperty("count").GetInt64() > 0))
            Assert.True(c.GetProperty("get").GetProperty("p99Ms").GetDouble() >= c.GetProperty("get").GetProperty("p50Ms").GetDouble());
    }

    private static void AssertChart(string path)
    {
        var svg = XDocument.Load(path);
        XNamespace ns = "http://www.w3.org/2000/svg";
        Assert.Equal(ns + "svg", svg.Root!.Name);
        var lines = svg.Descendants(ns + "polyline").ToDictionary(p => (string)p.Attribute("id")!);
        Assert.True(lines.ContainsKey("tiered"));
        Assert.True(lines.ContainsKey("elasticache"));
        foreach (var line in lines.Values) Assert.True(((string)line.Attribute("points")!).Split(' ').Length >= 2);
        var texts = svg.Descendants(ns + "text").Select(t => t.Value).ToList();
        Assert.Contains("simulated time (minutes)", texts);
        Assert.Contains("cumulative cost (US$)", texts);
        Assert.Contains("ElastiCache", texts);
        Assert.NotNull(svg.Descendants(ns + "g").FirstOrDefault(g => (string?)g.Attribute("id") == "legend"));
    }

    /// <summary>One finished <c>tiered replay</c> run with its JSON and chart, deleted on dispose.</summary>
    private sealed class ReplayRun : IDisposable
    {
        private readonly string _directory;

        private ReplayRun(string directory, int exit, string stdout, string stderr, JsonDocument json)
        {
            _directory = directory;
            Exit = exit;
            Stdout = stdout;
            Stderr = stderr;
            Json = json;
        }

        public int Exit { get; }
        public string Stdout { get; }
        public string Stderr { get; }
        public JsonDocument Json { get; }
        public string ChartPath => Path.Combine(_directory, "cost.svg");

        public static async Task<ReplayRun> StartAsync(string faults)
        {
            string directory = Path.Combine(Path.GetTempPath(), $"tiered-replay-{Guid.NewGuid():N}");
            Directory.CreateDirectory(directory);
            string json = Path.Combine(directory, "replay.json");
            var (exit, stdout, stderr) = await RunAsync([.. s_small, "--faults", faults, "--json", json, "--chart", Path.Combine(directory, "cost.svg")]);
            Assert.True(File.Exists(json), $"no JSON; exit {exit}\n{stdout}\n{stderr}");
            return new ReplayRun(directory, exit, stdout, stderr, JsonDocument.Parse(await File.ReadAllTextAsync(json)));
        }

        public void Dispose()
        {
            Json.Dispose();
            try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
        }
    }

    private static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(s_tiered);
        foreach (string arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"tiered {string.Join(' ', args)} did not finish within 2 minutes.");
        }
        return (process.ExitCode, await stdout, await stderr);
    }
}
