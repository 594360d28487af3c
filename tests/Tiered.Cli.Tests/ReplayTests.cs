using System.Diagnostics;
using System.Text.Json;
using System.Xml.Linq;
using Xunit;

namespace Tiered.Cli.Tests;

/// <summary>
/// Runs the built <c>tiered replay</c> end to end (a whole tier in the child process on a compressed clock) on a small,
/// fast workload and checks the report: hourly availability of the runs with and without backup under the AWS reclaim
/// model, no wrong bytes, cost by kind (serve, warm-up, backup) consistent with the platform's metering, full
/// availability without reclaims and with reclaim-r, a JSON that parses and a well-formed SVG.
/// </summary>
public sealed class ReplayTests
{
    private static readonly string s_tiered = Path.Combine(AppContext.BaseDirectory, "tiered.dll");

    // 100 objects, 2,500 requests at 1/256 scale (sizes up to 1 MiB).
    private static readonly string[] s_small = ["--objects", "100", "--requests", "2500", "--scale", "1/256", "--quiet"];

    // 20 simulated minutes at 400×: 3 s of schedule per run.
    private static readonly string[] s_short = [.. s_small, "--duration", "20m", "--speed", "400"];

    // 2 simulated hours at 720×: 10 s of schedule per run, two hourly figures each.
    private static readonly string[] s_twoHours = [.. s_small, "--duration", "2h", "--speed", "720"];

    [Fact]
    public async Task Both_modes_report_hourly_availability_no_wrong_bytes_and_cost_by_kind()
    {
        using var run = await ReplayRun.StartAsync(s_twoHours); // defaults: --reclaim-model aws --backup both
        var root = run.Json.RootElement;

        Assert.True(run.Exit is 0 or 1, $"exit {run.Exit}\n{run.Stdout}\n{run.Stderr}");
        Assert.Equal("aws", root.GetProperty("settings").GetProperty("reclaimModel").GetString());
        Assert.Equal("both", root.GetProperty("settings").GetProperty("backup").GetString());
        var model = root.GetProperty("reclaimModel");
        Assert.Equal("idle:10m,lifetime:0-4h", model.GetProperty("spec").GetString());
        Assert.Equal(600, model.GetProperty("idleLifetime").GetProperty("minSeconds").GetDouble());
        Assert.Equal(4 * 3600, model.GetProperty("instanceLifetime").GetProperty("maxSeconds").GetDouble());
        Assert.Equal(0.999, root.GetProperty("bar").GetProperty("hourlyAvailability").GetDouble());

        var runs = root.GetProperty("runs").EnumerateArray().ToList();
        Assert.Equal(2, runs.Count);
        Assert.True(runs[0].GetProperty("backup").GetBoolean());
        Assert.False(runs[1].GetProperty("backup").GetBoolean());
        foreach (var r in runs)
        {
            Assert.Equal(2500, r.GetProperty("requests").GetProperty("total").GetInt64());
            Assert.Equal(0, r.GetProperty("requests").GetProperty("wrongBytes").GetInt64());
            var availability = r.GetProperty("availability");
            Assert.Equal(0, availability.GetProperty("wrongBytes").GetInt64());
            var hourly = availability.GetProperty("hourly").EnumerateArray().ToList();
            Assert.Equal(2, hourly.Count);
            Assert.Equal([1, 2], hourly.Select(h => h.GetProperty("hour").GetInt32()));
            foreach (var h in hourly)
            {
                long expected = h.GetProperty("expectedPresentGets").GetInt64(), served = h.GetProperty("servedGets").GetInt64();
                Assert.True(expected > 0);
                Assert.Equal((double)served / expected, h.GetProperty("availability").GetDouble(), 12);
                // Every GET of a present object that was not served is explained: lost, unavailable or unexplained.
                Assert.Equal(expected - served, h.GetProperty("lostMisses").GetInt64() + h.GetProperty("unavailableGets").GetInt64() + h.GetProperty("unexplainedMisses").GetInt64());
            }
            double min = availability.GetProperty("minHourly").GetDouble(), mean = availability.GetProperty("meanHourly").GetDouble();
            Assert.Equal(hourly.Min(h => h.GetProperty("availability").GetDouble()), min, 12);
            Assert.Equal(hourly.Average(h => h.GetProperty("availability").GetDouble()), mean, 12);
            Assert.Equal(0, availability.GetProperty("unexplainedMisses").GetInt64());
            AssertCostArithmetic(r.GetProperty("cost"));
        }
        // Backups ran (and were billed as backup invocations) only in the run with backup.
        Assert.True(runs[0].GetProperty("proxy").GetProperty("backups").GetInt64() > 0, run.Stdout);
        Assert.True(runs[0].GetProperty("cost").GetProperty("scaled").GetProperty("byKind").GetProperty("backup").GetProperty("invocations").GetInt64() > 0);
        Assert.Equal(0, runs[1].GetProperty("proxy").GetProperty("backups").GetInt64());
        Assert.Equal(0, runs[1].GetProperty("cost").GetProperty("scaled").GetProperty("byKind").GetProperty("backup").GetProperty("invocations").GetInt64());

        Assert.Contains("with backup", run.Stdout);
        Assert.Contains("without backup", run.Stdout);
        Assert.Contains("hour 2 (1:00–2:00)", run.Stdout);
        Assert.Contains("min / mean hourly", run.Stdout);
        Assert.Contains("warm-up", run.Stdout);
        Assert.Contains("Bar:", run.Stdout);
        AssertChart(run.ChartPath, withoutBackup: true);
    }

    [Fact]
    public async Task Without_reclaims_every_get_is_served_with_the_right_bytes_and_the_cost_adds_up()
    {
        using var run = await ReplayRun.StartAsync([.. s_short, "--reclaim-model", "none", "--backup", "off"]);
        var root = run.Json.RootElement;

        Assert.Equal(0, run.Exit);
        Assert.Contains("Bar: met", run.Stdout);
        var r = Assert.Single(root.GetProperty("runs").EnumerateArray());
        Assert.False(r.GetProperty("backup").GetBoolean());
        var requests = r.GetProperty("requests");
        Assert.Equal(2500, requests.GetProperty("total").GetInt64());
        Assert.Equal(0, requests.GetProperty("wrongBytes").GetInt64());
        Assert.True(requests.GetProperty("hitRatio").GetDouble() > 0);
        Assert.Equal(100, requests.GetProperty("misses").GetProperty("coldFirstAccess").GetInt64());
        var availability = r.GetProperty("availability");
        Assert.True(availability.GetProperty("expectedPresentGets").GetInt64() > 0);
        Assert.Equal(availability.GetProperty("expectedPresentGets").GetInt64(), availability.GetProperty("servedGets").GetInt64());
        Assert.Equal(1.0, availability.GetProperty("ratio").GetDouble());
        Assert.Equal(1.0, availability.GetProperty("minHourly").GetDouble());
        Assert.Equal(0, availability.GetProperty("objectsLost").GetInt64());
        Assert.Equal(0, r.GetProperty("faults").GetProperty("recycledReclaims").GetInt64());

        AssertCostArithmetic(r.GetProperty("cost"));
        AssertLatencyClasses(r.GetProperty("latency"));
        AssertChart(run.ChartPath, withoutBackup: false);
    }

    [Fact]
    public async Task With_reclaim_r_instances_are_lost_and_repaired_and_no_get_returns_wrong_bytes()
    {
        using var run = await ReplayRun.StartAsync([.. s_short, "--faults", "reclaim-r:0.2", "--reclaim-model", "none", "--backup", "off"]);
        var root = run.Json.RootElement;

        Assert.True(run.Exit is 0 or 1, $"exit {run.Exit}\n{run.Stdout}\n{run.Stderr}");
        var r = Assert.Single(root.GetProperty("runs").EnumerateArray());
        var faults = r.GetProperty("faults");
        Assert.Equal("reclaim-r:0.2", faults.GetProperty("mode").GetString());
        Assert.True(faults.GetProperty("instancesReclaimedByReplay").GetInt64() > 0, run.Stdout);
        Assert.True(faults.GetProperty("chunksRepaired").GetInt64() > 0, run.Stdout);
        Assert.Equal(0, r.GetProperty("requests").GetProperty("wrongBytes").GetInt64());
        AssertCostArithmetic(r.GetProperty("cost"));
    }

    [Fact]
    public async Task With_reclaim_r_no_object_is_lost_and_availability_stays_above_the_bar()
    {
        using var run = await ReplayRun.StartAsync([.. s_short, "--faults", "reclaim-r:0.2", "--reclaim-model", "none", "--backup", "off"]);
        Assert.True(run.Exit == 0, run.Stdout);
        var r = run.Json.RootElement.GetProperty("runs")[0];
        // Never more than r chunks of an object are lost between its accesses, so no object may be lost. A GET may still
        // find a chunk unreachable for a moment (an activation timing out when the test machine is starved of CPU): that is
        // an unavailable GET, not a loss, and must stay rare.
        Assert.Equal(0, r.GetProperty("requests").GetProperty("wrongBytes").GetInt64());
        Assert.True(r.GetProperty("availability").GetProperty("ratio").GetDouble() >= 0.999, run.Stdout);
        Assert.Equal(0, r.GetProperty("availability").GetProperty("objectsLost").GetInt64());
    }

    [Fact]
    public async Task The_same_run_is_priced_for_each_platform_asked_for()
    {
        using var run = await ReplayRun.StartAsync([.. s_short, "--backup", "on", "--platforms", "aws,gcp", "--platforms", "azure"]);
        Assert.True(run.Exit is 0 or 1, $"exit {run.Exit}\n{run.Stdout}\n{run.Stderr}");
        var platforms = run.Json.RootElement.GetProperty("runs")[0].GetProperty("cost").GetProperty("platforms").EnumerateArray().ToArray();
        Assert.Equal(["aws", "gcp", "azure"], platforms.Select(p => p.GetProperty("name").GetString()));
        var gbSeconds = platforms.ToDictionary(p => p.GetProperty("name").GetString()!, p => p.GetProperty("report").GetProperty("gbSeconds").GetDouble());
        Assert.All(gbSeconds.Values, v => Assert.True(v > 0));
        // Same invocations, coarser billing: Cloud Run (100 ms units) and Flex Consumption (1 s minimum) bill at least what Lambda (1 ms) does.
        Assert.True(gbSeconds["gcp"] >= gbSeconds["aws"] && gbSeconds["azure"] >= gbSeconds["gcp"], string.Join(", ", gbSeconds));
        Assert.Contains("The same run priced for each platform", run.Stdout);
    }

    [Fact]
    public async Task An_unknown_platform_is_a_usage_error_listing_the_known_ones()
    {
        var (exit, _, stderr) = await RunAsync(["replay", .. s_short, "--platforms", "oracle"]);
        Assert.Equal(2, exit);
        Assert.Contains("'oracle' is not a known price", stderr);
        Assert.Contains("aws-arm", stderr);
    }

    [Fact]
    public async Task A_chaos_plan_wraps_the_tier_and_never_yields_wrong_bytes()
    {
        using var run = await ReplayRun.StartAsync([.. s_short, "--backup", "on", "--chaos", "seed:7,reclaim:60/h,latency:1ms@0.1"]);
        var root = run.Json.RootElement;
        Assert.True(run.Exit is 0 or 1, $"exit {run.Exit}\n{run.Stdout}\n{run.Stderr}");
        Assert.Contains("reclaim:60/h", root.GetProperty("settings").GetProperty("chaos").GetString());
        Assert.False(root.GetProperty("bar").GetProperty("availabilityApplies").GetBoolean());
        var r = Assert.Single(root.GetProperty("runs").EnumerateArray());
        Assert.Equal(0, r.GetProperty("requests").GetProperty("wrongBytes").GetInt64());
        Assert.Contains("chaos seed:7", run.Stdout);
    }

    [Theory]
    [InlineData("--faults", "sometimes", "--faults sometimes")]
    [InlineData("--scale", "2", "--scale 2")]
    [InlineData("--duration", "soon", "--duration soon")]
    [InlineData("--reclaim-model", "azure", "--reclaim-model azure: 'azure' is not a reclaim model")]
    [InlineData("--backup", "sometimes", "--backup sometimes: expected on, off or both")]
    [InlineData("--chaos", "gremlins:3", "--chaos gremlins:3")]
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
        decimal kindDollars = 0;
        Assert.Equal(["serve", "warmup", "backup"], scaled.GetProperty("byKind").EnumerateObject().Select(k => k.Name));
        foreach (var kind in scaled.GetProperty("byKind").EnumerateObject())
        {
            byKind += kind.Value.GetProperty("gbSeconds").GetDouble();
            invocations += kind.Value.GetProperty("invocations").GetInt64();
            decimal kindCompute = kind.Value.GetProperty("computeDollars").GetDecimal(), calls = kind.Value.GetProperty("invocationDollars").GetDecimal();
            Assert.Equal(kindCompute + calls, kind.Value.GetProperty("totalDollars").GetDecimal());
            Assert.Equal(kind.Value.GetProperty("invocations").GetInt64() * 0.20m / 1_000_000m, calls);
            kindDollars += kind.Value.GetProperty("totalDollars").GetDecimal();
        }
        // Serving, warm-up and backup dollars add up to the total (to the rounding of GB-s to decimal).
        Assert.True(Math.Abs(kindDollars - scaled.GetProperty("totalDollars").GetDecimal()) < 0.000001m, $"{kindDollars} vs {scaled.GetProperty("totalDollars").GetDecimal()}");
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

    private static void AssertChart(string path, bool withoutBackup)
    {
        var svg = XDocument.Load(path);
        XNamespace ns = "http://www.w3.org/2000/svg";
        Assert.Equal(ns + "svg", svg.Root!.Name);
        var lines = svg.Descendants(ns + "polyline").ToDictionary(p => (string)p.Attribute("id")!);
        Assert.True(lines.ContainsKey("tiered"));
        Assert.True(lines.ContainsKey("elasticache"));
        Assert.Equal(withoutBackup, lines.ContainsKey("tiered-no-backup"));
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

        public static async Task<ReplayRun> StartAsync(string[] options)
        {
            string directory = Path.Combine(Path.GetTempPath(), $"tiered-replay-{Guid.NewGuid():N}");
            Directory.CreateDirectory(directory);
            string json = Path.Combine(directory, "replay.json");
            var (exit, stdout, stderr) = await RunAsync(["replay", .. options, "--json", json, "--chart", Path.Combine(directory, "cost.svg")]);
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
