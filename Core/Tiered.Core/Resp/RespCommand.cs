using System.Text;
using Tiered.Protocol;

namespace Tiered.Resp;

/// <summary>One request: its arguments (the first is the command name), each in a pooled buffer until disposed.</summary>
internal sealed class RespCommand(List<PooledBuffer> arguments) : IDisposable
{
    public int Count => arguments.Count;

    public ReadOnlyMemory<byte> this[int index] => arguments[index].Memory;

    /// <summary>The command name, lower-case (ASCII).</summary>
    public string Name { get; } = arguments.Count == 0 ? "" : Encoding.Latin1.GetString(arguments[0].Span).ToLowerInvariant();

    /// <summary>An argument as text (UTF-8).</summary>
    public string Text(int index) => Encoding.UTF8.GetString(arguments[index].Span);

    /// <summary>Whether an argument equals an ASCII word, ignoring case.</summary>
    public bool Is(int index, string word) => Ascii.EqualsIgnoreCase(arguments[index].Span, word);

    public void Dispose()
    {
        foreach (var argument in arguments) argument.Dispose();
        arguments.Clear();
    }
}
