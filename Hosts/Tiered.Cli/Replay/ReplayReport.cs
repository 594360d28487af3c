using Tiered.Providers.Local;

namespace Tiered.Cli.Replay;

/// <summary>
/// A whole <c>tiered replay</c>: one run per backup mode the settings ask for (with backup first), the same seeded
/// workload each time, and the bar.
/// </summary>
internal sealed record ReplayReport(ReplaySettings Settings, IReadOnlyList<ReplayResult> Runs, TimeSpan Real)
{
    /// <summary>The reclaim model the runs used.</summary>
    public LocalReclaimModel ReclaimModel => LocalReclaimModel.Parse(Settings.ReclaimModel);

    /// <summary>The run the availability bar applies to: the one with backup; null when there is none.</summary>
    public ReplayResult? WithBackup => Runs.FirstOrDefault(r => r.BackupEnabled);

    /// <summary>The run without backup, if any.</summary>
    public ReplayResult? WithoutBackup => Runs.FirstOrDefault(r => !r.BackupEnabled);

    /// <summary>
    /// Whether the availability half of the bar applies: not with faults that reclaim instances at random regardless of
    /// what they hold (<c>--faults rate:N/h</c> or a chaos plan that reclaims), which may take more than r of an object's
    /// chunks by design.
    /// </summary>
    public bool AvailabilityBarApplies => Settings.Faults.Kind != FaultKind.Rate && !Chaos.ChaosPlan.Parse(Settings.Chaos).HasReclaims && WithBackup is not null;

    /// <summary>No wrong bytes in any run and, where it applies, every simulated hour of the run with backup at or above 99.9 %.</summary>
    public bool MeetsBar => Runs.All(r => r.Counts.WrongBytes == 0) && (!AvailabilityBarApplies || WithBackup!.MinHourlyAvailability >= ReplayResult.HourlyBar);
}
