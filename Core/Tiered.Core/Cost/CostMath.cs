namespace Tiered.Cost;

/// <summary>Exact time-to-hours conversion for money arithmetic.</summary>
internal static class CostMath
{
    /// <summary>Hours in <paramref name="elapsed"/>, exact to the tick (50 h is exactly 50).</summary>
    public static decimal Hours(TimeSpan elapsed) => (decimal)elapsed.Ticks / TimeSpan.TicksPerHour;
}
