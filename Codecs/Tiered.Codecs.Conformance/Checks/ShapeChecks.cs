using System.Globalization;
using Tiered.Coding;
using static Tiered.Codecs.Conformance.CheckContext;

namespace Tiered.Codecs.Conformance.Checks;

/// <summary>The codec's shape and its ShardSize function; refusal of impossible object lengths.</summary>
internal static class ShapeChecks
{
    public static string ShardSizes(CheckContext c)
    {
        var codec = c.Codec;
        Ensure(!string.IsNullOrWhiteSpace(codec.Name), "Name is empty");
        Ensure(codec.DataShards >= 1, $"DataShards is {codec.DataShards}; a codec needs at least one data shard");
        Ensure(codec.ParityShards >= 0, $"ParityShards is {codec.ParityShards}");
        Ensure(codec.TotalShards == codec.DataShards + codec.ParityShards,
            $"TotalShards is {codec.TotalShards} but DataShards + ParityShards = {codec.DataShards + codec.ParityShards}");
        Ensure(codec.ShardAlignment >= 1, $"ShardAlignment is {codec.ShardAlignment}");
        Ensure(codec.MaxObjectLength >= 1, $"MaxObjectLength is {codec.MaxObjectLength}");
        Ensure(codec.ShardSize(0) == 0, $"ShardSize(0) is {codec.ShardSize(0)}, not 0");

        var lengths = RoundTripCheck.Lengths(c).Select(l => (long)l).ToList();
        for (int i = 0; i < 200; i++) lengths.Add(c.Random.NextInt64(1, Math.Min(codec.MaxObjectLength, 64L << 20) + 1));
        lengths.Add(codec.MaxObjectLength);
        foreach (long length in lengths.Distinct().Order())
        {
            int size = codec.ShardSize(length);
            Ensure(size >= 0, $"ShardSize({length}) is negative ({size})");
            Ensure(size % codec.ShardAlignment == 0, $"ShardSize({length}) = {size} is not a multiple of ShardAlignment {codec.ShardAlignment}");
            Ensure((long)size * codec.DataShards >= length, $"ShardSize({length}) = {size}: {codec.DataShards} data shards of that size cannot hold the object");
            if (length < codec.MaxObjectLength)
            {
                int next = codec.ShardSize(length + 1);
                Ensure(next >= size, $"ShardSize({length + 1}) = {next} is smaller than ShardSize({length}) = {size}");
            }
        }
        return $"{codec.Name}: k={codec.DataShards}, r={codec.ParityShards}, alignment {codec.ShardAlignment}, systematic {codec.IsSystematic}; ShardSize sane for {lengths.Distinct().Count()} lengths";
    }

    public static string InvalidObjectLength(CheckContext c)
    {
        var codec = c.Codec;
        int refused = 0;
        foreach (long length in new[] { -1L, -(long)codec.ShardAlignment - 1, long.MinValue })
        {
            var e = ExpectArgumentException(() => codec.ShardSize(length), $"ShardSize({length})");
            string message = e.Message;
            Ensure(message.Contains("negative", StringComparison.OrdinalIgnoreCase) || message.Contains(length.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal),
                $"ShardSize({length}) was refused, but the message does not say the length is negative or name it: \"{message}\"");
            refused++;
        }
        if (codec.MaxObjectLength < long.MaxValue)
        {
            long tooLong = codec.MaxObjectLength + 1;
            var e = ExpectArgumentException(() => codec.ShardSize(tooLong), $"ShardSize(MaxObjectLength + 1 = {tooLong})");
            Ensure(e.Message.Contains(tooLong.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal) || e.Message.Contains(codec.MaxObjectLength.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal),
                $"ShardSize({tooLong}) was refused, but the message names neither the length nor the limit: \"{e.Message}\"");
            refused++;
        }
        ExpectArgumentException(() => ShardSet.Rent(codec, -1).Dispose(), "ShardSet.Rent(codec, -1)");
        return $"{refused} impossible lengths refused by ShardSize, and by ShardSet.Rent";
    }

    /// <summary>Runs <paramref name="action"/> and returns the ArgumentException it must throw.</summary>
    public static ArgumentException ExpectArgumentException(Action action, string what)
    {
        try
        {
            action();
        }
        catch (ArgumentException e)
        {
            Ensure(!string.IsNullOrWhiteSpace(e.Message), $"{what}: refused with an ArgumentException without a message");
            return e;
        }
        catch (Exception e)
        {
            throw new CheckFailedException($"{what}: expected an ArgumentException but got {e.GetType().Name}: {e.Message}");
        }
        throw new CheckFailedException($"{what}: expected an ArgumentException but the call returned normally");
    }
}
