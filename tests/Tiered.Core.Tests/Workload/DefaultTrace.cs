using Tiered.Workload;

namespace Tiered.Core.Tests.Workload;

/// <summary>The default trace (default options, fixed seed) generated once and measured once for all statistic tests.</summary>
public sealed class DefaultTrace
{
    public DefaultTrace()
    {
        Generator = new WorkloadGenerator(WorkloadOptions.Default);
        Requests = Generator.ToList();
        Statistics = WorkloadStatistics.Compute(Requests, WorkloadOptions.Default);
    }

    public WorkloadGenerator Generator { get; }

    public List<WorkloadRequest> Requests { get; }

    public WorkloadStatistics Statistics { get; }
}
