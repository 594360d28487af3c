using Xunit;

namespace Tiered.Chaos.Tests;

/// <summary>Polling with generous deadlines: tests assert what happens, never how fast.</summary>
internal static class Wait
{
    public static async Task Until(Func<bool> condition, string what, int seconds = 60)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        while (!condition())
        {
            if (deadline.IsCancellationRequested) Assert.Fail($"Timed out waiting for {what}.");
            await Task.Delay(10);
        }
    }

    /// <summary>Waits up to <paramref name="milliseconds"/> for <paramref name="condition"/>; false when it did not happen (not a failure).</summary>
    public static async Task<bool> Briefly(Func<bool> condition, int milliseconds)
    {
        using var deadline = new CancellationTokenSource(milliseconds);
        while (!condition())
        {
            if (deadline.IsCancellationRequested) return false;
            await Task.Delay(2);
        }
        return true;
    }
}
