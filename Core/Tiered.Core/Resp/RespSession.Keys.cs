namespace Tiered.Resp;

internal sealed partial class RespSession
{
    public async ValueTask DelAsync(RespCommand command, CancellationToken cancellationToken)
    {
        var keys = new string[command.Count - 1];
        for (int i = 1; i < command.Count; i++)
            if (!TryKey(command, i, out keys[i - 1])) return;
        long removed = 0;
        foreach (var key in keys)
            if (await Store.DeleteAsync(key, cancellationToken).ConfigureAwait(false)) removed++;
        _reply.Integer(removed);
    }

    public async ValueTask ExistsAsync(RespCommand command, CancellationToken cancellationToken)
    {
        var keys = new string[command.Count - 1];
        for (int i = 1; i < command.Count; i++)
            if (!TryKey(command, i, out keys[i - 1])) return;
        long found = 0;
        foreach (var key in keys)
            if (await Store.HeadAsync(key, cancellationToken).ConfigureAwait(false) is not null) found++;
        _reply.Integer(found);
    }

    public async ValueTask TypeAsync(RespCommand command, CancellationToken cancellationToken)
    {
        if (!TryKey(command, 1, out var key)) return;
        _reply.Simple(await Store.HeadAsync(key, cancellationToken).ConfigureAwait(false) is null ? "none" : "string");
    }

    /// <summary>TTL (unit 1000) or PTTL (unit 1): -2 when absent, -1 without expiry.</summary>
    public async ValueTask TtlAsync(RespCommand command, int unitMs, CancellationToken cancellationToken)
    {
        if (!TryKey(command, 1, out var key)) return;
        var info = await Store.HeadAsync(key, cancellationToken).ConfigureAwait(false);
        if (info is null) _reply.Integer(-2);
        else if (info.TimeToLive is not { } ttl) _reply.Integer(-1);
        else
        {
            long ms = (long)Math.Ceiling(ttl.TotalMilliseconds);
            _reply.Integer(unitMs == 1 ? ms : (ms + 500) / 1000);
        }
    }

    /// <summary><c>[P]EXPIRE[AT] key amount [NX|XX|GT|LT]</c>; a time not in the future deletes the key.</summary>
    public async ValueTask ExpireAsync(RespCommand command, int unitMs, bool absolute, CancellationToken cancellationToken)
    {
        if (!TryKey(command, 1, out var key) || !TryInteger(command, 2, out long amount)) return;
        bool nx = false, xx = false, gt = false, lt = false;
        for (int i = 3; i < command.Count; i++)
        {
            if (command.Is(i, "nx")) nx = true;
            else if (command.Is(i, "xx")) xx = true;
            else if (command.Is(i, "gt")) gt = true;
            else if (command.Is(i, "lt")) lt = true;
            else
            {
                _reply.Error($"ERR Unsupported option {Printable(command, i)}");
                return;
            }
        }
        if (nx && (xx || gt || lt)) { _reply.Error("ERR NX and XX, GT or LT options at the same time are not compatible"); return; }
        if (gt && lt) { _reply.Error("ERR GT and LT options at the same time are not compatible"); return; }
        if (amount > long.MaxValue / unitMs || amount < long.MinValue / unitMs)
        {
            _reply.Error($"ERR invalid expire time in '{command.Name}' command");
            return;
        }
        var target = TimeSpan.FromMilliseconds(Math.Clamp(amount * unitMs, -TimeSpan.MaxValue.TotalMilliseconds / 2, TimeSpan.MaxValue.TotalMilliseconds / 2));
        if (absolute) target -= Now;

        if (nx || xx || gt || lt || target <= TimeSpan.Zero)
        {
            var info = await Store.HeadAsync(key, cancellationToken).ConfigureAwait(false);
            if (info is null) { _reply.Integer(0); return; }
            var current = info.TimeToLive;
            bool allowed = (!nx || current is null) && (!xx || current is not null)
                && (!gt || current is { } c1 && target > c1) && (!lt || current is not { } c2 || target < c2);
            if (!allowed) { _reply.Integer(0); return; }
            if (target <= TimeSpan.Zero)
            {
                _reply.Integer(await Store.DeleteAsync(key, cancellationToken).ConfigureAwait(false) ? 1 : 0);
                return;
            }
        }
        _reply.Integer(await Store.ExpireAsync(key, target, cancellationToken).ConfigureAwait(false) ? 1 : 0);
    }

    public async ValueTask PersistAsync(RespCommand command, CancellationToken cancellationToken)
    {
        if (!TryKey(command, 1, out var key)) return;
        var info = await Store.HeadAsync(key, cancellationToken).ConfigureAwait(false);
        _reply.Integer(info?.TimeToLive is not null && await Store.ExpireAsync(key, null, cancellationToken).ConfigureAwait(false) ? 1 : 0);
    }
}
