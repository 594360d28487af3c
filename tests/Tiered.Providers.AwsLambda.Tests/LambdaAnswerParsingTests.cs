using Tiered.Functions;
using System.Text;
using Xunit;

namespace Tiered.Providers.AwsLambda.Tests;

/// <summary>What the backend reads from Invoke answers: the REPORT line, Retry-After, backoff, bodies.</summary>
public sealed class LambdaAnswerParsingTests
{
    [Fact]
    public void A_tab_separated_cold_REPORT_line_is_read()
    {
        var report = LambdaReport.Parse("START RequestId: 1 Version: $LATEST\nEND RequestId: 1\n" +
            "REPORT RequestId: 6e2c\tDuration: 1.73 ms\tBilled Duration: 212 ms\tMemory Size: 128 MB\tMax Memory Used: 38 MB\tInit Duration: 209.61 ms\t\n")!;

        Assert.Equal("6e2c", report.RequestId);
        Assert.Equal(TimeSpan.FromMilliseconds(1.73), report.Duration);
        Assert.Equal(TimeSpan.FromMilliseconds(212), report.BilledDuration);
        Assert.Equal(128, report.MemorySizeMiB);
        Assert.Equal(TimeSpan.FromMilliseconds(209.61), report.InitDuration);
        Assert.True(report.ColdStart);
    }

    [Fact]
    public void A_space_separated_REPORT_line_is_read()
    {
        var report = LambdaReport.Parse("REPORT RequestId: abc Duration: 3.5 ms Billed Duration: 4 ms Memory Size: 1536 MB Max Memory Used: 20 MB")!;

        Assert.Equal(TimeSpan.FromMilliseconds(3.5), report.Duration);
        Assert.Equal(TimeSpan.FromMilliseconds(4), report.BilledDuration);
        Assert.Equal(1536, report.MemorySizeMiB);
        Assert.False(report.ColdStart);
    }

    [Fact]
    public void The_last_REPORT_at_the_start_of_a_line_wins_and_other_durations_are_not_mistaken_for_it()
    {
        var report = LambdaReport.Parse(
            "REPORT RequestId: old\tDuration: 9 ms\tBilled Duration: 9 ms\tMemory Size: 128 MB\n" +
            "app says: REPORT Duration: 77 ms Billed Duration: 78 ms\n" +
            "REPORT RequestId: new\tRestore Duration: 300.00 ms\tDuration: 5.00 ms\tBilled Duration: 400 ms\tMemory Size: 256 MB\n")!;

        Assert.Equal("new", report.RequestId);
        Assert.Equal(TimeSpan.FromMilliseconds(5), report.Duration);
        Assert.Equal(TimeSpan.FromMilliseconds(400), report.BilledDuration);
        Assert.Null(report.InitDuration);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("%%% not base64 %%%")]
    public void No_or_broken_log_tail_is_no_report(string? header) => Assert.Null(LambdaReport.FromLogResult(header));

    [Fact]
    public void A_log_without_REPORT_or_with_a_partial_one_is_no_report()
    {
        Assert.Null(LambdaReport.FromLogResult(Convert.ToBase64String("START RequestId: x\nhello\n"u8)));
        Assert.Null(LambdaReport.Parse("REPORT RequestId: x\tMemory Size: 128 MB\n"));
    }

    [Theory]
    [InlineData("2", 2000)]
    [InlineData(" 0 ", 0)]
    [InlineData("1.5", 1500)]
    public void Retry_After_in_seconds(string value, int milliseconds) =>
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), RetryDelays.Parse(value, DateTimeOffset.UnixEpoch));

    [Fact]
    public void Retry_After_as_an_HTTP_date()
    {
        var now = new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
        Assert.Equal(TimeSpan.FromSeconds(90), RetryDelays.Parse("Sun, 01 Mar 2026 12:01:30 GMT", now));
        Assert.Equal(TimeSpan.Zero, RetryDelays.Parse("Sun, 01 Mar 2026 11:00:00 GMT", now));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("soon")]
    [InlineData("-5")]
    public void An_unreadable_Retry_After_is_ignored(string? value) => Assert.Null(RetryDelays.Parse(value, DateTimeOffset.UnixEpoch));

    [Fact]
    public void Backoff_is_full_jitter_under_a_doubling_cap()
    {
        var baseDelay = TimeSpan.FromMilliseconds(100);
        var max = TimeSpan.FromSeconds(2);
        Assert.Equal(TimeSpan.FromMilliseconds(100), RetryDelays.BackoffCap(0, baseDelay, max));
        Assert.Equal(TimeSpan.FromMilliseconds(800), RetryDelays.BackoffCap(3, baseDelay, max));
        Assert.Equal(max, RetryDelays.BackoffCap(5, baseDelay, max));
        Assert.Equal(max, RetryDelays.BackoffCap(1000, baseDelay, max));
        var random = new Random(7);
        for (int retry = 0; retry < 12; retry++)
            for (int i = 0; i < 50; i++)
                Assert.InRange(RetryDelays.Backoff(retry, baseDelay, max, random), TimeSpan.Zero, RetryDelays.BackoffCap(retry, baseDelay, max));
    }

    [Theory]
    [InlineData("""{"nodeId":"n","instanceId":"i-9","nested":{"instanceId":"no"}}""", "i-9")]
    [InlineData("""{"nested":{"instanceId":"no"},"InstanceId":"i-10"}""", "i-10")]
    [InlineData("""{"instanceId":42}""", "")]
    [InlineData("""["instanceId","i-1"]""", "")]
    [InlineData("\"i-1\"", "")]
    [InlineData("""{"instanceId":"i-1",""", "i-1")]
    [InlineData("", "")]
    public void The_instance_id_is_the_top_level_instanceId(string body, string expected) =>
        Assert.Equal(expected, LambdaResponseBody.ReadInstanceId(Encoding.UTF8.GetBytes(body)));

    [Theory]
    [InlineData("Unhandled", """{"errorType":"Sandbox.Timedout","errorMessage":"Task timed out after 3.00 seconds"}""", "Sandbox.Timedout: Task timed out after 3.00 seconds")]
    [InlineData("Handled", """{"errorMessage":"bad input"}""", "bad input")]
    [InlineData("Unhandled", "Segmentation fault", "Unhandled function error: Segmentation fault")]
    [InlineData("Handled", "", "Handled function error")]
    public void A_function_error_reads_as_type_and_message(string kind, string body, string expected) =>
        Assert.Equal(expected, LambdaResponseBody.FormatFunctionError(kind, Encoding.UTF8.GetBytes(body)));

    [Theory]
    [InlineData("ResourceNotFoundException:http://internal.amazon.com/coral/com.amazon.coral.service/", 404, """{"Type":"User","message":"Function not found"}""", "ResourceNotFoundException", "Function not found")]
    [InlineData(null, 400, """{"__type":"com.amazonaws.lambda.v20150331#InvalidParameterValueException","Message":"bad"}""", "InvalidParameterValueException", "bad")]
    [InlineData(null, 500, """{"code":"ServiceException","message":"oops"}""", "ServiceException", "oops")]
    [InlineData(null, 429, """{"Type":"User","message":"Rate Exceeded."}""", "TooManyRequestsException", "Rate Exceeded.")]
    [InlineData(null, 502, "<html>Bad Gateway</html>", "HTTP 502", "<html>Bad Gateway</html>")]
    [InlineData(null, 503, "", "HTTP 503", null)]
    public void An_AWS_error_reads_its_type_from_the_header_or_the_body(string? header, int status, string body, string type, string? message)
    {
        var (actualType, actualMessage) = LambdaResponseBody.ReadAwsError(header, status, Encoding.UTF8.GetBytes(body));
        Assert.Equal(type, actualType);
        Assert.Equal(message, actualMessage);
    }
}
