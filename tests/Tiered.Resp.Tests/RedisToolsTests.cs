using System.Globalization;

namespace Tiered.Resp.Tests;

/// <summary>Debian's redis-cli and redis-benchmark, unchanged, against the endpoint (the issue's bar).</summary>
[Collection(RespTierCollection.Name)]
public sealed class RedisToolsTests(RespTierFixture fixture)
{
    private string Port => fixture.Tier.Port.ToString(CultureInfo.InvariantCulture);

    [Fact]
    public async Task Redis_cli_ping()
    {
        var result = await ExternalTool.RunAsync("redis-cli", ["-p", Port, "PING"]);
        Assert.Equal(0, result.ExitCode);
        Assert.Equal("PONG\n", result.StdoutText);
    }

    [Fact]
    public async Task Redis_cli_set_and_get_a_ten_MiB_value_byte_identical()
    {
        var value = RespTier.RandomBytes(10 * 1024 * 1024, seed: 42);
        var file = Path.Combine(Path.GetTempPath(), $"tiered-resp-{Guid.NewGuid():N}.bin");
        try
        {
            await File.WriteAllBytesAsync(file, value);
            var set = await ExternalTool.RunAsync("redis-cli", ["-p", Port, "-x", "SET", "cli:big"], stdinFile: file);
            Assert.Equal(0, set.ExitCode);
            Assert.Equal("OK\n", set.StdoutText);

            var get = await ExternalTool.RunAsync("redis-cli", ["-p", Port, "--raw", "GET", "cli:big"]);
            Assert.Equal(0, get.ExitCode);
            // --raw prints the bytes followed by one newline.
            Assert.Equal(value.Length + 1, get.Stdout.Length);
            Assert.True(value.AsSpan().SequenceEqual(get.Stdout.AsSpan(0, value.Length)));

            var strlen = await ExternalTool.RunAsync("redis-cli", ["-p", Port, "STRLEN", "cli:big"]);
            Assert.Equal($"{value.Length}\n", strlen.StdoutText);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Redis_cli_inline_mode_and_errors()
    {
        // Piped stdin without -x: redis-cli sends each line as a command.
        var file = Path.Combine(Path.GetTempPath(), $"tiered-resp-{Guid.NewGuid():N}.txt");
        try
        {
            await File.WriteAllTextAsync(file, "SET cli:inline \"two words\"\nGET cli:inline\nNOSUCH x\nGET cli:inline\n");
            var result = await ExternalTool.RunAsync("redis-cli", ["-p", Port], stdinFile: file);
            Assert.Equal(0, result.ExitCode);
            var lines = result.StdoutText.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal("OK", lines[0]);
            Assert.Equal("two words", lines[1]);
            Assert.StartsWith("ERR unknown command 'NOSUCH'", lines[2]);
            Assert.Equal("two words", lines[3]);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Redis_benchmark_set_and_get_of_one_MiB_values_succeeds()
    {
        var result = await ExternalTool.RunAsync("redis-benchmark", ["-p", Port, "-t", "set,get", "-d", "1048576", "-n", "200", "-q"], timeout: TimeSpan.FromMinutes(5));
        var output = result.StdoutText;
        Console.WriteLine(output.Replace('\r', '\n'));
        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}: {output} {result.Stderr}");
        Assert.Matches(@"SET: [0-9.]+ requests per second", output);
        Assert.Matches(@"GET: [0-9.]+ requests per second", output);
    }
}
