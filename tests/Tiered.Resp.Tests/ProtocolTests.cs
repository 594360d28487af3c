namespace Tiered.Resp.Tests;

/// <summary>Errors, framing, HELLO and AUTH over a bare socket, checked byte for byte.</summary>
[Collection(RespTierCollection.Name)]
public sealed class ProtocolTests(RespTierFixture fixture)
{
    private int Port => fixture.Tier.Port;

    [Fact]
    public async Task Hello_3_gets_noproto_and_the_connection_stays_usable()
    {
        using var client = await RawRespClient.ConnectAsync(Port);
        Assert.Equal("-NOPROTO sorry, this protocol version is not supported\r\n", client.Call("HELLO", "3"));
        Assert.Equal("+PONG\r\n", client.Call("PING"));
        Assert.StartsWith("*14\r\n$6\r\nserver\r\n$5\r\nredis\r\n", client.Call("HELLO", "2"));
        Assert.Equal("-ERR Protocol version is not an integer or out of range\r\n", client.Call("HELLO", "x"));
    }

    [Fact]
    public async Task Wrong_arity_unknown_command_and_bad_integers_keep_the_connection()
    {
        using var client = await RawRespClient.ConnectAsync(Port);
        Assert.Equal("-ERR wrong number of arguments for 'get' command\r\n", client.Call("GET"));
        Assert.Equal("-ERR unknown command 'FOO', with args beginning with: 'a' 'b' \r\n", client.Call("FOO", "a", "b"));
        Assert.Equal("-ERR value is not an integer or out of range\r\n", client.Call("SET", "p:k", "v", "EX", "soon"));
        Assert.Equal("-ERR invalid expire time in 'set' command\r\n", client.Call("SET", "p:k", "v", "PX", "0"));
        Assert.Equal("-ERR syntax error\r\n", client.Call("SET", "p:k", "v", "NX", "XX"));
        Assert.Equal("+OK\r\n", client.Call("SET", "p:k", "v"));
        Assert.Equal("$1\r\nv\r\n", client.Call("GET", "p:k"));
        Assert.Equal("$3\r\nhey\r\n", client.Call("ECHO", "hey"));
        Assert.Equal("$-1\r\n", client.Call("SET", "p:k", "w", "NX"));
        Assert.Equal("$1\r\nv\r\n", client.Call("SET", "p:k", "w", "GET"));
        Assert.Equal(":-1\r\n", client.Call("TTL", "p:k"));
        Assert.Equal(":-2\r\n", client.Call("PTTL", "p:none"));
        Assert.Equal(":1\r\n", client.Call("EXPIRE", "p:k", "100"));
        Assert.Equal(":100\r\n", client.Call("TTL", "p:k"));
        Assert.Equal(":0\r\n", client.Call("EXPIRE", "p:k", "50", "GT"));
        Assert.Equal(":1\r\n", client.Call("PEXPIRE", "p:k", "50000", "LT"));
        Assert.Equal(":1\r\n", client.Call("EXPIRE", "p:k", "-1"));
        Assert.Equal(":0\r\n", client.Call("EXISTS", "p:k"));
        Assert.Equal("-ERR DB index is out of range\r\n", client.Call("SELECT", "1"));
        Assert.Equal("+OK\r\n", client.Call("SELECT", "0"));
        Assert.Equal("+OK\r\n", client.Call("CLIENT", "SETNAME", "tester"));
        Assert.Equal("$6\r\ntester\r\n", client.Call("CLIENT", "GETNAME"));
    }

    [Fact]
    public async Task Inline_commands_and_pipelined_requests()
    {
        using var client = await RawRespClient.ConnectAsync(Port);
        client.Send("PING\r\n");
        Assert.Equal("+PONG\r\n", client.ReadReply());
        client.Send("SET p:inline \"a b\\x41\"\r\nGET p:inline\r\nPING hi\n");
        Assert.Equal("+OK\r\n", client.ReadReply());
        Assert.Equal("$4\r\na bA\r\n", client.ReadReply());
        Assert.Equal("$2\r\nhi\r\n", client.ReadReply());
        client.Send("*1\r\n$4\r\nPING\r\n*2\r\n$4\r\nECHO\r\n$1\r\nx\r\n");
        Assert.Equal("+PONG\r\n", client.ReadReply());
        Assert.Equal("$1\r\nx\r\n", client.ReadReply());
    }

    [Fact]
    public async Task Command_and_config_answer_what_clients_ask_at_connect()
    {
        using var client = await RawRespClient.ConnectAsync(Port);
        Assert.Matches(@"^:\d+\r\n$", client.Call("COMMAND", "COUNT"));
        Assert.StartsWith("*1\r\n*10\r\n$3\r\nget\r\n:2\r\n", client.Call("COMMAND", "INFO", "get"));
        Assert.StartsWith("*2\r\n$3\r\nset\r\n*6\r\n", client.Call("COMMAND", "DOCS", "set"));
        Assert.Equal("*4\r\n$4\r\nsave\r\n$0\r\n\r\n$10\r\nappendonly\r\n$2\r\nno\r\n", client.Call("CONFIG", "GET", "save", "appendonly"));
        Assert.StartsWith("*", client.Call("COMMAND"));
    }

    [Fact]
    public async Task A_malformed_bulk_length_closes_only_that_connection()
    {
        using var other = await RawRespClient.ConnectAsync(Port);
        Assert.Equal("+PONG\r\n", other.Call("PING"));

        using var bad = await RawRespClient.ConnectAsync(Port);
        bad.Send("*2\r\n$3\r\nGET\r\n$abc\r\n");
        Assert.Equal("-ERR Protocol error: invalid bulk length\r\n", bad.ReadReply());
        Assert.True(bad.IsClosedByServer());

        using var huge = await RawRespClient.ConnectAsync(Port);
        huge.Send("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$600000000\r\n");
        Assert.Equal("-ERR Protocol error: invalid bulk length: 600000000 bytes exceeds the limit of 536870912 bytes (MaxBulkLength)\r\n", huge.ReadReply());
        Assert.True(huge.IsClosedByServer());

        using var unbalanced = await RawRespClient.ConnectAsync(Port);
        unbalanced.Send("SET k \"open\r\n");
        Assert.Equal("-ERR Protocol error: unbalanced quotes in request\r\n", unbalanced.ReadReply());
        Assert.True(unbalanced.IsClosedByServer());

        Assert.Equal("+PONG\r\n", other.Call("PING"));
        Assert.Equal("+OK\r\n", other.Call("SET", "p:after", "fine"));
        Assert.Equal("$4\r\nfine\r\n", other.Call("GET", "p:after"));
    }

    [Fact]
    public async Task Requirepass_needs_auth_before_commands()
    {
        using var client = await RawRespClient.ConnectAsync(fixture.Tier.Secured.EndPoint.Port);
        Assert.Equal("-NOAUTH Authentication required.\r\n", client.Call("GET", "a:k"));
        Assert.Equal("-NOAUTH Authentication required.\r\n", client.Call("PING"));
        Assert.Equal("-WRONGPASS invalid username-password pair or user is disabled.\r\n", client.Call("AUTH", "wrong"));
        Assert.Equal("-WRONGPASS invalid username-password pair or user is disabled.\r\n", client.Call("AUTH", "someone", RespTier.Password));
        Assert.Equal("+OK\r\n", client.Call("AUTH", "default", RespTier.Password));
        Assert.Equal("+PONG\r\n", client.Call("PING"));
        Assert.Equal("+OK\r\n", client.Call("SET", "a:k", "v"));

        using var hello = await RawRespClient.ConnectAsync(fixture.Tier.Secured.EndPoint.Port);
        Assert.StartsWith("-NOAUTH HELLO must be called with the client already authenticated", hello.Call("HELLO", "2"));
        Assert.StartsWith("*14\r\n", hello.Call("HELLO", "2", "AUTH", "default", RespTier.Password, "SETNAME", "h"));
        Assert.Equal("$1\r\nv\r\n", hello.Call("GET", "a:k"));

        using var open = await RawRespClient.ConnectAsync(Port);
        Assert.StartsWith("-ERR AUTH <password> called without any password configured", open.Call("AUTH", "x"));
    }

    [Fact]
    public async Task Unauthenticated_clients_cannot_send_large_requests()
    {
        using var client = await RawRespClient.ConnectAsync(fixture.Tier.Secured.EndPoint.Port);
        client.Send("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$100000\r\n");
        Assert.Equal("-ERR Protocol error: unauthenticated bulk length\r\n", client.ReadReply());
        Assert.True(client.IsClosedByServer());
    }

    [Fact]
    public async Task Redis_cli_with_a_password_and_quit()
    {
        var result = await ExternalTool.RunAsync("redis-cli", ["-p", fixture.Tier.Secured.EndPoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--no-auth-warning", "-a", RespTier.Password, "GET", "a:k"]);
        Assert.Equal(0, result.ExitCode);
        Assert.Equal("v\n", result.StdoutText);

        using var client = await RawRespClient.ConnectAsync(Port);
        Assert.Equal("+OK\r\n", client.Call("QUIT"));
        Assert.True(client.IsClosedByServer());
    }
}
