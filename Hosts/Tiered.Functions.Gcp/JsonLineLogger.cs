using System.Buffers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Tiered.Functions.Gcp;

/// <summary>
/// Logs one JSON object per line to stdout, in the shape Cloud Logging reads from a container (structured logging):
/// <c>severity</c>, <c>message</c>, <c>time</c>, plus <c>logger</c>, <c>function</c>, <c>instanceId</c>, the request's
/// <c>requestId</c> and, when a trace header came with it, <c>logging.googleapis.com/trace</c>.
/// </summary>
public sealed class JsonLineLoggerProvider(TextWriter output, HostSettings settings, TimeProvider? timeProvider = null) : ILoggerProvider
{
    private readonly Lock _gate = new();
    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;

    /// <summary>The request being served on this async flow (for log lines).</summary>
    internal static readonly AsyncLocal<RequestScope?> Current = new();

    private static readonly HashSet<string> Standard = new(StringComparer.OrdinalIgnoreCase)
        { "severity", "message", "time", "logger", "function", "functionName", "instanceId", "requestId" };

    internal HostSettings Settings => settings;

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_gate) output.Flush();
    }

    /// <summary>Writes one entry (also used by the host for its own lines).</summary>
    internal void Write(LogLevel level, string category, string message, Exception? exception, IReadOnlyList<KeyValuePair<string, object?>>? fields = null)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("severity", Severity(level));
            json.WriteString("message", exception is null ? message : message + " " + exception);
            json.WriteString("time", _time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", System.Globalization.CultureInfo.InvariantCulture));
            json.WriteString("logger", category);
            json.WriteString("function", settings.FunctionName);
            json.WriteString("instanceId", settings.InstanceId);
            if (Current.Value is { } request)
            {
                json.WriteString("requestId", request.RequestId);
                if (request.Trace is not null) json.WriteString("logging.googleapis.com/trace", request.Trace);
            }
            if (fields is not null)
                foreach (var (key, value) in fields)
                {
                    if (key is "{OriginalFormat}" || value is null || Standard.Contains(key)) continue;
                    switch (value)
                    {
                        case int or long or short or byte: json.WriteNumber(key, Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture)); break;
                        case double d: json.WriteNumber(key, d); break;
                        case bool b: json.WriteBoolean(key, b); break;
                        default: json.WriteString(key, Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)); break;
                    }
                }
            json.WriteEndObject();
        }
        string line = Encoding.UTF8.GetString(buffer.WrittenSpan);
        lock (_gate)
        {
            output.WriteLine(line);
            output.Flush();
        }
    }

    private static string Severity(LogLevel level) => level switch
    {
        LogLevel.Trace or LogLevel.Debug => "DEBUG",
        LogLevel.Information => "INFO",
        LogLevel.Warning => "WARNING",
        LogLevel.Error => "ERROR",
        _ => "CRITICAL",
    };

    private sealed class Logger(JsonLineLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None && logLevel >= provider.Settings.LogLevel;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            ArgumentNullException.ThrowIfNull(formatter);
            provider.Write(logLevel, category, formatter(state, exception), exception, state as IReadOnlyList<KeyValuePair<string, object?>>);
        }
    }
}

/// <summary>The request a log line belongs to.</summary>
/// <param name="RequestId">The request's id (its trace/span, or a random id).</param>
/// <param name="Trace">The Cloud Logging trace resource (<c>projects/P/traces/T</c>) when the project and a trace are known.</param>
internal sealed record RequestScope(string RequestId, string? Trace);
