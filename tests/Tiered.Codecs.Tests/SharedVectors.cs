using System.Text.Json;

namespace Tiered.Codecs.Tests;

/// <summary>Finds <c>../shared/vectors</c> relative to the repository root and reads its JSON files.</summary>
public static class SharedVectors
{
    public static string Directory { get; } = Locate();

    public static JsonElement[] Read(string fileName)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(Directory, fileName)));
        return document.RootElement.EnumerateArray().Select(e => e.Clone()).ToArray();
    }

    private static string Locate()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Tiered.sln")))
            {
                string vectors = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "vectors"));
                if (System.IO.Directory.Exists(vectors)) return vectors;
                throw new DirectoryNotFoundException($"The known-answer vectors are expected at {vectors} (../shared/vectors beside the repository root).");
            }
        }
        throw new DirectoryNotFoundException($"No Tiered.sln above {AppContext.BaseDirectory}; cannot find ../shared/vectors.");
    }
}
