using System.Globalization;
using Tiered.Protocol;

namespace Tiered.Resp;

/// <summary>Splits an inline command line into arguments like Redis' <c>sdssplitargs</c> (spaces, "quotes" with escapes, 'quotes').</summary>
internal static class InlineParser
{
    public static List<PooledBuffer> Split(ReadOnlySpan<byte> line)
    {
        var arguments = new List<PooledBuffer>();
        var current = new List<byte>();
        int i = 0;
        try
        {
            while (true)
            {
                while (i < line.Length && IsSpace(line[i])) i++;
                if (i >= line.Length) return arguments;
                current.Clear();
                bool inDouble = false, inSingle = false, done = false;
                while (!done)
                {
                    if (inDouble)
                    {
                        if (i >= line.Length) throw new RespProtocolException("unbalanced quotes in request");
                        byte c = line[i];
                        if (c == '\\' && i + 3 < line.Length && line[i + 1] == 'x' && IsHex(line[i + 2]) && IsHex(line[i + 3]))
                        {
                            current.Add(byte.Parse([(char)line[i + 2], (char)line[i + 3]], NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                            i += 3;
                        }
                        else if (c == '\\' && i + 1 < line.Length)
                        {
                            i++;
                            current.Add(line[i] switch { (byte)'n' => (byte)'\n', (byte)'r' => (byte)'\r', (byte)'t' => (byte)'\t', (byte)'b' => (byte)'\b', (byte)'a' => (byte)'\a', var other => other });
                        }
                        else if (c == '"')
                        {
                            if (i + 1 < line.Length && !IsSpace(line[i + 1])) throw new RespProtocolException("unbalanced quotes in request");
                            done = true;
                        }
                        else current.Add(c);
                    }
                    else if (inSingle)
                    {
                        if (i >= line.Length) throw new RespProtocolException("unbalanced quotes in request");
                        byte c = line[i];
                        if (c == '\\' && i + 1 < line.Length && line[i + 1] == '\'') { i++; current.Add((byte)'\''); }
                        else if (c == '\'')
                        {
                            if (i + 1 < line.Length && !IsSpace(line[i + 1])) throw new RespProtocolException("unbalanced quotes in request");
                            done = true;
                        }
                        else current.Add(c);
                    }
                    else if (i >= line.Length || IsSpace(line[i])) done = true;
                    else if (line[i] == '"') inDouble = true;
                    else if (line[i] == '\'') inSingle = true;
                    else current.Add(line[i]);
                    if (i < line.Length) i++;
                }
                arguments.Add(PooledBuffer.CopyOf(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(current)));
            }
        }
        catch
        {
            foreach (var argument in arguments) argument.Dispose();
            throw;
        }
    }

    private static bool IsSpace(byte c) => c is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r' or (byte)'\v' or (byte)'\f';
    private static bool IsHex(byte c) => char.IsAsciiHexDigit((char)c);
}
