using System.Globalization;
using Microsoft.Extensions.Logging;

namespace Tiered.Functions.Lambda;

/// <summary>
/// A minimal logger for a Lambda function: one line per entry, <c>time\trequestId\tLEVEL\tmessage</c> (the layout of
/// Lambda's own runtimes), to stdout — errors to stderr; Lambda ships both to CloudWatch Logs.
/// </summary>
public sealed class LambdaLogger<T>(TextWriter output, TextWriter errors, LogLevel minimumLevel = LogLevel.Information) : ILogger<T>
{
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None && logLevel >= minimumLevel;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel)) return;
        ArgumentNullException.ThrowIfNull(formatter);
        string level = logLevel switch
        {
            LogLevel.Trace => "TRACE",
            LogLevel.Debug => "DEBUG",
            LogLevel.Information => "INFO",
            LogLevel.Warning => "WARN",
            LogLevel.Error => "ERROR",
            _ => "FATAL",
        };
        string message = formatter(state, exception);
        if (exception is not null) message += " " + exception;
        string line = string.Create(CultureInfo.InvariantCulture,
            $"{DateTime.UtcNow:yyyy-MM-dd'T'HH:mm:ss.fff'Z'}\t{LambdaBootstrap.CurrentRequestId.Value ?? "-"}\t{level}\t{message.ReplaceLineEndings(" ")}");
        (logLevel >= LogLevel.Error ? errors : output).WriteLine(line);
    }
}
