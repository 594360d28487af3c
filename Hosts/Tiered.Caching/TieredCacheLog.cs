using Microsoft.Extensions.Logging;

namespace Tiered.Caching;

internal static partial class TieredCacheLog
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "Cache entry '{Key}' was not written by TieredDistributedCache (no header); treated as a miss")]
    public static partial void ForeignEntry(ILogger logger, string key);
}
