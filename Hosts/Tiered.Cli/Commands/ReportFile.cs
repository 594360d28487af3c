namespace Tiered.Cli.Commands;

/// <summary>Writes a command's machine-readable report (e.g. <c>--json FILE</c>), creating its directory.</summary>
internal static class ReportFile
{
    /// <summary>False (after telling stderr why) when the file cannot be written.</summary>
    public static bool TryWrite(FileInfo file, Action<Stream> write)
    {
        try
        {
            file.Directory?.Create();
            using var stream = file.Create();
            write(stream);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"error: cannot write {file.FullName}: {e.Message}");
            return false;
        }
    }
}
