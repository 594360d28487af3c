namespace Tiered.Workload;

/// <summary>Draws popularity ranks 0..n-1 with probability ∝ (rank+1)^-s by binary search in the cumulative weights.</summary>
internal sealed class ZipfPopularity
{
    private readonly double[] _cumulative;

    public ZipfPopularity(int count, double exponent)
    {
        _cumulative = new double[count];
        double sum = 0;
        for (int r = 0; r < count; r++)
        {
            sum += Math.Pow(r + 1, -exponent);
            _cumulative[r] = sum;
        }
    }

    public int Count => _cumulative.Length;

    public int NextRank(ref WorkloadRandom random)
    {
        double target = random.NextDouble() * _cumulative[^1];
        int index = Array.BinarySearch(_cumulative, target);
        index = index < 0 ? ~index : index + 1; // first cumulative weight strictly above the target
        return Math.Min(index, _cumulative.Length - 1);
    }
}
