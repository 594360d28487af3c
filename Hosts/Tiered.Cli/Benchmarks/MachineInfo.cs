using System.Runtime.InteropServices;

namespace Tiered.Cli.Benchmarks;

/// <summary>What the benchmark ran on: CPU model, core count, runtime.</summary>
internal static class MachineInfo
{
    public static string CpuModel { get; } = ReadCpuModel();

    public static string Runtime => RuntimeInformation.FrameworkDescription;

    private static string ReadCpuModel()
    {
        try
        {
            if (File.Exists("/proc/cpuinfo"))
            {
                foreach (string line in File.ReadLines("/proc/cpuinfo"))
                {
                    if (!line.StartsWith("model name", StringComparison.Ordinal)) continue;
                    int colon = line.IndexOf(':');
                    if (colon >= 0) return line[(colon + 1)..].Trim();
                }
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return RuntimeInformation.ProcessArchitecture.ToString();
    }

    /// <summary>CPU flags that matter for the GF kernels, as the runtime sees them.</summary>
    public static string VectorFeatures
    {
        get
        {
            var features = new List<string>();
            if (System.Runtime.Intrinsics.X86.Avx2.IsSupported) features.Add("avx2");
            if (System.Runtime.Intrinsics.X86.Avx512BW.IsSupported) features.Add("avx512bw");
            if (System.Runtime.Intrinsics.X86.Gfni.IsSupported) features.Add("gfni");
            if (System.Runtime.Intrinsics.Arm.AdvSimd.IsSupported) features.Add("neon");
            return features.Count == 0 ? "none" : string.Join(",", features);
        }
    }
}
