namespace Tiered.Resp;

/// <summary>Redis-style glob matching (<c>*</c>, <c>?</c>, <c>[abc]</c>) for CONFIG GET patterns.</summary>
internal static class RespGlob
{
    public static bool IsMatch(ReadOnlySpan<char> pattern, ReadOnlySpan<char> text)
    {
        while (pattern.Length > 0)
        {
            switch (pattern[0])
            {
                case '*':
                    pattern = pattern.TrimStart('*');
                    if (pattern.IsEmpty) return true;
                    for (int i = 0; i <= text.Length; i++)
                        if (IsMatch(pattern, text[i..])) return true;
                    return false;
                case '?':
                    if (text.IsEmpty) return false;
                    break;
                case '[':
                    int close = pattern.IndexOf(']');
                    if (close < 0 || text.IsEmpty || !pattern[1..close].Contains(text[0])) return false;
                    pattern = pattern[close..];
                    break;
                default:
                    if (text.IsEmpty || pattern[0] != text[0]) return false;
                    break;
            }
            pattern = pattern[1..];
            text = text[1..];
        }
        return text.IsEmpty;
    }
}
