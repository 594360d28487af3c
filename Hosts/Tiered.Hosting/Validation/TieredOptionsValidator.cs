using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Tiered.Hosting;

/// <summary>
/// Validates the whole composition when the host starts (<c>ValidateOnStart</c>): codec, placement and backend names
/// and parameters, k+r ≤ 256, sizes, ports and timers, the selected backend's own settings, and unknown keys in the
/// <c>Tiered</c> configuration section. Every message names the configuration key it is about.
/// </summary>
internal sealed class TieredOptionsValidator(TieredComponentRegistry registry, IServiceProvider services) : IValidateOptions<TieredOptions>
{
    public ValidateOptionsResult Validate(string? name, TieredOptions options)
    {
        if (name is not null && name != Options.DefaultName) return ValidateOptionsResult.Skip;
        var errors = new List<string>();
        if (services.GetService<IConfiguration>() is { } configuration)
            errors.AddRange(ConfigurationKeyChecker.Check(configuration, registry));
        errors.AddRange(TieredCodecs.Validate(options.Codec ?? new(), registry));
        errors.AddRange(TieredPlacements.Validate(options.Placement ?? new(), registry));
        ValidateBackend(options.Backend ?? new(), errors);
        ValidateProxy(options.Proxy ?? new(), errors);
        ValidateClient(options.Client ?? new(), errors);
        ValidateResp(options.Resp ?? new(), options.Proxy ?? new(), errors);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private void ValidateBackend(TieredBackendOptions backend, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(backend.Kind))
        {
            errors.Add($"Tiered:Backend:Kind is required (known: {string.Join(", ", registry.BackendKinds)}).");
            return;
        }
        var registration = registry.FindBackend(backend.Kind);
        if (registration is null)
        {
            errors.Add($"Tiered:Backend:Kind '{backend.Kind.Trim()}' is not a known backend (known: {string.Join(", ", registry.BackendKinds)}).");
            return;
        }
        if (registration.Validate is not null) errors.AddRange(registration.Validate(services));
    }

    private static void ValidateProxy(TieredProxySettings p, List<string> errors)
    {
        const string P = "Tiered:Proxy";
        if (string.IsNullOrWhiteSpace(p.Host)) errors.Add($"{P}:Host is required (an IP address such as 127.0.0.1, or localhost).");
        else if (p.ResolveAddress() is null) errors.Add($"{P}:Host '{p.Host}' is not an IP address or localhost.");
        Port(errors, $"{P}:ClientPort", p.ClientPort);
        Port(errors, $"{P}:NodePort", p.NodePort);
        if (p.ClientPort != 0 && p.ClientPort == p.NodePort) errors.Add($"{P}:ClientPort and {P}:NodePort must differ (both {p.ClientPort}).");
        if (p.MaxObjectBytes <= 0) errors.Add($"{P}:MaxObjectBytes must be positive (was {p.MaxObjectBytes}).");
        if (p.PoolMemoryBytes < 0) errors.Add($"{P}:PoolMemoryBytes must not be negative (was {p.PoolMemoryBytes}); 0 derives it from the backend.");
        Positive(errors, $"{P}:DialBackTimeout", p.DialBackTimeout);
        Positive(errors, $"{P}:NodeIdleTimeout", p.NodeIdleTimeout);
        Positive(errors, $"{P}:WarmUpInterval", p.WarmUpInterval);
        Positive(errors, $"{P}:WarmUpIdleTimeout", p.WarmUpIdleTimeout);
        Positive(errors, $"{P}:ChunkTimeout", p.ChunkTimeout);
        Positive(errors, $"{P}:PutTimeout", p.PutTimeout);
        if (p.ShutdownDrainTimeout < TimeSpan.Zero) errors.Add($"{P}:ShutdownDrainTimeout must not be negative (was {p.ShutdownDrainTimeout}).");
        if (p.RepairConcurrency < 1) errors.Add($"{P}:RepairConcurrency must be at least 1 (was {p.RepairConcurrency}).");
        if (p.RepairBytesPerSecond < 0) errors.Add($"{P}:RepairBytesPerSecond must not be negative (was {p.RepairBytesPerSecond}); 0 means no limit.");
        if (!(p.SessionJitter is >= 0 and < 1)) errors.Add($"{P}:SessionJitter must be from 0 to less than 1 (was {p.SessionJitter}).");
        if (p.BackupConcurrency < 1) errors.Add($"{P}:BackupConcurrency must be at least 1 (was {p.BackupConcurrency}).");
        if (p.ScrubChunksPerSecond < 0) errors.Add($"{P}:ScrubChunksPerSecond must not be negative (was {p.ScrubChunksPerSecond}); 0 means no limit.");
        foreach (var (key, value) in new[] { ("BackupInterval", p.BackupInterval), ("ScrubInterval", p.ScrubInterval) })
            if (value <= TimeSpan.Zero && value != Timeout.InfiniteTimeSpan) errors.Add($"{P}:{key} must be positive, or -00:00:00.001 (infinite) to turn it off (was {value}).");
    }

    private static void ValidateClient(TieredClientSettings c, List<string> errors)
    {
        if (c.ConnectionsPerProxy < 1) errors.Add($"Tiered:Client:ConnectionsPerProxy must be at least 1 (was {c.ConnectionsPerProxy}).");
        Positive(errors, "Tiered:Client:RequestTimeout", c.RequestTimeout);
    }

    private static void ValidateResp(TieredRespOptions r, TieredProxySettings p, List<string> errors)
    {
        Port(errors, "Tiered:Resp:Port", r.Port);
        if (r.Enabled && r.Port != 0 && (r.Port == p.ClientPort || r.Port == p.NodePort))
            errors.Add($"Tiered:Resp:Port {r.Port} is already the proxy's {(r.Port == p.ClientPort ? "Tiered:Proxy:ClientPort" : "Tiered:Proxy:NodePort")}.");
    }

    private static void Port(List<string> errors, string key, int port)
    {
        if (port is < 0 or > 65535) errors.Add($"{key} must be a port number from 0 to 65535 (was {port}); 0 picks a free port.");
    }

    private static void Positive(List<string> errors, string key, TimeSpan value)
    {
        if (value <= TimeSpan.Zero) errors.Add($"{key} must be positive (was {value}).");
    }
}
