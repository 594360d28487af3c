namespace Tiered.Cli.Replay;

/// <summary>
/// The size classes latencies are reported in: below 1 MiB, 1–10 MiB, 10–100 MiB and from 100 MiB, each boundary
/// multiplied by the workload's size scale (so a class holds the objects that stand for those real sizes).
/// </summary>
internal sealed class SizeClasses
{
    private static readonly long[] UnscaledBounds = [1L << 20, 10L << 20, 100L << 20];
    private readonly long[] _bounds;

    public SizeClasses(double scale)
    {
        Scale = scale;
        _bounds = UnscaledBounds.Select(b => Math.Max(1, (long)Math.Round(b * scale))).ToArray();
        Names = Enumerable.Range(0, Count).Select(Name).ToArray();
    }

    public double Scale { get; }
    public int Count => _bounds.Length + 1;
    public IReadOnlyList<string> Names { get; }

    /// <summary>The class of an object of <paramref name="size"/> bytes.</summary>
    public int Of(long size)
    {
        int i = 0;
        while (i < _bounds.Length && size >= _bounds[i]) i++;
        return i;
    }

    /// <summary>Lower and upper bound in bytes (upper is null for the last class).</summary>
    public (long Low, long? High) Bounds(int index) => (index == 0 ? 0 : _bounds[index - 1], index < _bounds.Length ? _bounds[index] : null);

    /// <summary>The unscaled sizes the class stands for, e.g. <c>1–10 MiB</c>.</summary>
    public static string UnscaledName(int index) => index switch
    {
        0 => "< 1 MiB",
        1 => "1–10 MiB",
        2 => "10–100 MiB",
        _ => "≥ 100 MiB",
    };

    private string Name(int index)
    {
        var (low, high) = Bounds(index);
        return high is null ? $"≥ {Bytes(low)}" : low == 0 ? $"< {Bytes(high.Value)}" : $"{Bytes(low)}–{Bytes(high.Value)}";
    }

    /// <summary>Bytes in the largest binary unit that keeps at least 1 (one decimal when not whole).</summary>
    public static string Bytes(long bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB"];
        double value = bytes;
        int unit = 0;
        while (value >= 1024 && unit < units.Length - 1) { value /= 1024; unit++; }
        return value == Math.Floor(value) ? $"{value:0} {units[unit]}" : $"{value:0.#} {units[unit]}";
    }
}
