using Tiered.Protocol;

namespace Tiered.Resp;

internal sealed partial class RespSession
{
    public async ValueTask GetAsync(RespCommand command, CancellationToken cancellationToken)
    {
        if (!TryKey(command, 1, out var key)) return;
        using var value = await Store.GetAsync(key, cancellationToken).ConfigureAwait(false);
        if (value is null) _reply.NullBulk();
        else await _reply.BulkAsync(value.Memory, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask GetDelAsync(RespCommand command, CancellationToken cancellationToken)
    {
        if (!TryKey(command, 1, out var key)) return;
        using var value = await Store.GetAsync(key, cancellationToken).ConfigureAwait(false);
        if (value is null) { _reply.NullBulk(); return; }
        await Store.DeleteAsync(key, cancellationToken).ConfigureAwait(false);
        await _reply.BulkAsync(value.Memory, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask MGetAsync(RespCommand command, CancellationToken cancellationToken)
    {
        var keys = new string[command.Count - 1];
        for (int i = 1; i < command.Count; i++)
            if (!TryKey(command, i, out keys[i - 1])) return;
        _reply.ArrayHeader(keys.Length);
        foreach (var key in keys)
        {
            using var value = await Store.GetAsync(key, cancellationToken).ConfigureAwait(false);
            if (value is null) _reply.NullBulk();
            else await _reply.BulkAsync(value.Memory, cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask StrLenAsync(RespCommand command, CancellationToken cancellationToken)
    {
        if (!TryKey(command, 1, out var key)) return;
        var info = await Store.HeadAsync(key, cancellationToken).ConfigureAwait(false);
        _reply.Integer(info?.Length ?? 0);
    }

    /// <summary><c>SETNX key value</c>: 1 when stored, 0 when the key already held a value.</summary>
    public async ValueTask SetNxAsync(RespCommand command, CancellationToken cancellationToken)
    {
        if (!TryKey(command, 1, out var key)) return;
        _reply.Integer(await Store.SetAsync(key, command[2], null, PutCondition.IfAbsent, cancellationToken).ConfigureAwait(false) ? 1 : 0);
    }

    /// <summary><c>SETEX key seconds value</c> (unit 1000) or <c>PSETEX key milliseconds value</c> (unit 1).</summary>
    public async ValueTask SetExAsync(RespCommand command, int unitMs, CancellationToken cancellationToken)
    {
        if (!TryKey(command, 1, out var key) || !TryInteger(command, 2, out long amount)) return;
        if (amount <= 0 || amount > long.MaxValue / 1000)
        {
            _reply.Error($"ERR invalid expire time in '{command.Name}' command");
            return;
        }
        await Store.SetAsync(key, command[3], TimeSpan.FromMilliseconds(amount * unitMs), PutCondition.Always, cancellationToken).ConfigureAwait(false);
        _reply.Simple("OK");
    }

    /// <summary><c>SET key value [NX|XX] [GET] [EX s|PX ms|EXAT unix-s|PXAT unix-ms|KEEPTTL]</c>.</summary>
    public async ValueTask SetAsync(RespCommand command, CancellationToken cancellationToken)
    {
        if (!TryKey(command, 1, out var key)) return;
        var condition = PutCondition.Always;
        bool get = false, keepTtl = false, expirySeen = false;
        TimeSpan? ttl = null;
        for (int i = 3; i < command.Count; i++)
        {
            if (command.Is(i, "nx") && condition == PutCondition.Always) condition = PutCondition.IfAbsent;
            else if (command.Is(i, "xx") && condition == PutCondition.Always) condition = PutCondition.IfPresent;
            else if (command.Is(i, "get") && !get) get = true;
            else if (command.Is(i, "keepttl") && !expirySeen) keepTtl = expirySeen = true;
            else if ((command.Is(i, "ex") || command.Is(i, "px") || command.Is(i, "exat") || command.Is(i, "pxat")) && !expirySeen && i + 1 < command.Count)
            {
                expirySeen = true;
                bool seconds = command.Is(i, "ex") || command.Is(i, "exat"), absolute = command.Is(i, "exat") || command.Is(i, "pxat");
                if (!TryInteger(command, ++i, out long amount)) return;
                if (amount <= 0 || (seconds && amount > long.MaxValue / 1000))
                {
                    _reply.Error("ERR invalid expire time in 'set' command");
                    return;
                }
                var span = TimeSpan.FromMilliseconds(seconds ? amount * 1000 : amount);
                if (absolute) span -= Now;
                // A time already past leaves the value for a millisecond, then it expires (Redis deletes it at once).
                ttl = span > TimeSpan.Zero ? span : TimeSpan.FromMilliseconds(1);
            }
            else
            {
                _reply.Error("ERR syntax error");
                return;
            }
        }

        System.Buffers.IMemoryOwner<byte>? previous = null;
        try
        {
            if (get) previous = await Store.GetAsync(key, cancellationToken).ConfigureAwait(false);
            if (keepTtl) ttl = (await Store.HeadAsync(key, cancellationToken).ConfigureAwait(false))?.TimeToLive;
            bool stored = await Store.SetAsync(key, command[2], ttl, condition, cancellationToken).ConfigureAwait(false);
            if (get)
            {
                if (previous is null) _reply.NullBulk();
                else await _reply.BulkAsync(previous.Memory, cancellationToken).ConfigureAwait(false);
            }
            else if (stored) _reply.Simple("OK");
            else _reply.NullBulk();
        }
        finally
        {
            previous?.Dispose();
        }
    }
}
