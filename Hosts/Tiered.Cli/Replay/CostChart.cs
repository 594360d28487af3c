using System.Globalization;
using System.Security;
using System.Text;

namespace Tiered.Cli.Replay;

/// <summary>
/// The cost-over-time chart as a self-contained SVG written by hand (no fonts or native libraries needed): cumulative
/// dollars of Tiered (Lambda-priced) and of ElastiCache over simulated time, with axes, tick labels, a title and a
/// legend. The series are <c>&lt;polyline&gt;</c> elements with the ids <c>tiered</c> and <c>elasticache</c>, and
/// <c>tiered-no-backup</c> (dashed) when a run without backups is drawn beside the run with them.
/// </summary>
internal static class CostChart
{
    private const int Width = 800, Height = 480, Left = 90, Right = 30, Top = 50, Bottom = 60;

    /// <param name="samples">The cost curve of the (first) run: Tiered and ElastiCache.</param>
    /// <param name="title">The chart's title.</param>
    /// <param name="withoutBackup">The Tiered curve of a second run without backups, drawn dashed; null for none.</param>
    public static string Render(IReadOnlyList<CostSample> samples, string title, IReadOnlyList<CostSample>? withoutBackup = null)
    {
        var inv = CultureInfo.InvariantCulture;
        var all = withoutBackup is null ? samples : [.. samples, .. withoutBackup];
        double maxMinutes = Math.Max(1e-9, all.Count == 0 ? 1 : all.Max(p => p.Simulated.TotalMinutes));
        double maxDollars = (double)(all.Count == 0 ? 0 : all.Max(p => Math.Max(p.TieredDollars, p.CacheDollars)));
        double yTop = NiceCeiling(maxDollars <= 0 ? 1 : maxDollars);
        double xTop = NiceCeiling(maxMinutes);
        int plotW = Width - Left - Right, plotH = Height - Top - Bottom;
        string X(double minutes) => (Left + minutes / xTop * plotW).ToString("0.##", inv);
        string Y(double dollars) => (Top + plotH - dollars / yTop * plotH).ToString("0.##", inv);

        var svg = new StringBuilder();
        svg.AppendLine(inv, $"<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
        svg.AppendLine(inv, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" font-family=\"DejaVu Sans, Arial, sans-serif\" font-size=\"12\">");
        svg.AppendLine(inv, $"  <title>{SecurityElement.Escape(title)}</title>");
        svg.AppendLine(inv, $"  <rect x=\"0\" y=\"0\" width=\"{Width}\" height=\"{Height}\" fill=\"white\"/>");
        svg.AppendLine(inv, $"  <text x=\"{Width / 2}\" y=\"28\" text-anchor=\"middle\" font-size=\"16\">{SecurityElement.Escape(title)}</text>");

        // Grid and tick labels.
        svg.AppendLine("  <g id=\"axes\" stroke=\"#999\" stroke-width=\"1\">");
        for (int i = 0; i <= 5; i++)
        {
            double d = yTop * i / 5, m = xTop * i / 5;
            svg.AppendLine(inv, $"    <line x1=\"{Left}\" y1=\"{Y(d)}\" x2=\"{Left + plotW}\" y2=\"{Y(d)}\" stroke=\"#e5e5e5\"/>");
            svg.AppendLine(inv, $"    <text x=\"{Left - 8}\" y=\"{Y(d)}\" dy=\"4\" text-anchor=\"end\" stroke=\"none\" fill=\"#333\">${Money(d)}</text>");
            svg.AppendLine(inv, $"    <line x1=\"{X(m)}\" y1=\"{Top + plotH}\" x2=\"{X(m)}\" y2=\"{Top + plotH + 5}\"/>");
            svg.AppendLine(inv, $"    <text x=\"{X(m)}\" y=\"{Top + plotH + 20}\" text-anchor=\"middle\" stroke=\"none\" fill=\"#333\">{m.ToString("0.#", inv)}</text>");
        }
        svg.AppendLine(inv, $"    <line x1=\"{Left}\" y1=\"{Top}\" x2=\"{Left}\" y2=\"{Top + plotH}\" stroke=\"#333\"/>");
        svg.AppendLine(inv, $"    <line x1=\"{Left}\" y1=\"{Top + plotH}\" x2=\"{Left + plotW}\" y2=\"{Top + plotH}\" stroke=\"#333\"/>");
        svg.AppendLine("  </g>");
        svg.AppendLine(inv, $"  <text x=\"{Left + plotW / 2}\" y=\"{Height - 15}\" text-anchor=\"middle\">simulated time (minutes)</text>");
        svg.AppendLine(inv, $"  <text x=\"20\" y=\"{Top + plotH / 2}\" text-anchor=\"middle\" transform=\"rotate(-90 20 {Top + plotH / 2})\">cumulative cost (US$)</text>");

        string tieredName = withoutBackup is null ? "Tiered (Lambda-priced)" : "Tiered, with backup";
        Series(svg, "tiered", tieredName, "#1f77b4", samples.Select(p => (p.Simulated.TotalMinutes, (double)p.TieredDollars)), X, Y);
        if (withoutBackup is not null)
            Series(svg, "tiered-no-backup", "Tiered, without backup", "#1f77b4", withoutBackup.Select(p => (p.Simulated.TotalMinutes, (double)p.TieredDollars)), X, Y, dashed: true);
        Series(svg, "elasticache", "ElastiCache", "#d62728", samples.Select(p => (p.Simulated.TotalMinutes, (double)p.CacheDollars)), X, Y);

        // Legend.
        int legendHeight = withoutBackup is null ? 48 : 66;
        svg.AppendLine(inv, $"  <g id=\"legend\" transform=\"translate({Left + 15},{Top + 10})\">");
        svg.AppendLine(inv, $"    <rect x=\"0\" y=\"0\" width=\"210\" height=\"{legendHeight}\" fill=\"white\" stroke=\"#999\"/>");
        svg.AppendLine(inv, $"    <line x1=\"10\" y1=\"16\" x2=\"40\" y2=\"16\" stroke=\"#1f77b4\" stroke-width=\"2.5\"/><text x=\"48\" y=\"20\">{tieredName}</text>");
        if (withoutBackup is not null)
            svg.AppendLine("    <line x1=\"10\" y1=\"34\" x2=\"40\" y2=\"34\" stroke=\"#1f77b4\" stroke-width=\"2.5\" stroke-dasharray=\"6 4\"/><text x=\"48\" y=\"38\">Tiered, without backup</text>");
        int cacheY = withoutBackup is null ? 34 : 52;
        svg.AppendLine(inv, $"    <line x1=\"10\" y1=\"{cacheY}\" x2=\"40\" y2=\"{cacheY}\" stroke=\"#d62728\" stroke-width=\"2.5\"/><text x=\"48\" y=\"{cacheY + 4}\">ElastiCache</text>");
        svg.AppendLine("  </g>");
        svg.AppendLine("</svg>");
        return svg.ToString();
    }

    private static void Series(StringBuilder svg, string id, string name, string color, IEnumerable<(double Minutes, double Dollars)> points, Func<double, string> x, Func<double, string> y, bool dashed = false)
    {
        string coordinates = string.Join(' ', points.Select(p => $"{x(p.Minutes)},{y(p.Dollars)}"));
        string dash = dashed ? " stroke-dasharray=\"6 4\"" : "";
        svg.AppendLine(CultureInfo.InvariantCulture, $"  <polyline id=\"{id}\" fill=\"none\" stroke=\"{color}\" stroke-width=\"2.5\"{dash} points=\"{coordinates}\"><title>{SecurityElement.Escape(name)}</title></polyline>");
    }

    private static string Money(double d) => d == 0 ? "0" : d >= 100 ? d.ToString("N0", CultureInfo.InvariantCulture)
        : d >= 1 ? d.ToString("0.##", CultureInfo.InvariantCulture) : d.ToString("0.####", CultureInfo.InvariantCulture);

    /// <summary>The smallest 1, 2 or 5 × 10^n at or above <paramref name="value"/>.</summary>
    private static double NiceCeiling(double value)
    {
        double power = Math.Pow(10, Math.Floor(Math.Log10(value)));
        foreach (double step in new[] { 1.0, 2, 5, 10 })
            if (step * power >= value * (1 - 1e-12)) return step * power;
        return 10 * power;
    }
}
