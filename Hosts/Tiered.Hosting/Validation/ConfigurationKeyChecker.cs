using System.Collections;
using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace Tiered.Hosting;

/// <summary>
/// Finds configuration keys under <c>Tiered</c> that no setting reads (a typo such as <c>Tiered:Codec:Parity</c> would
/// otherwise be silently ignored). The known keys are the public settable properties of the options types, the
/// sub-sections of registered backends, and sections added with <see cref="TieredBuilder.AllowConfigurationSection"/>.
/// </summary>
internal static class ConfigurationKeyChecker
{
    public static List<string> Check(IConfiguration configuration, TieredComponentRegistry registry)
    {
        var errors = new List<string>();
        var root = configuration.GetSection(TieredOptions.SectionName);
        if (!root.Exists()) return errors;
        CheckSection(root, [typeof(TieredOptions)], "", registry, errors);
        return errors;
    }

    // relative: the section's path below Tiered ("" for the root).
    private static void CheckSection(IConfigurationSection section, IReadOnlyList<Type?> types, string relative, TieredComponentRegistry registry, List<string> errors)
    {
        if (types.Any(t => t is null)) return;
        var properties = types.SelectMany(t => Settable(t!)).ToList();
        bool isBackend = string.Equals(relative, "Backend", StringComparison.OrdinalIgnoreCase);
        foreach (var child in section.GetChildren())
        {
            string childRelative = relative.Length == 0 ? child.Key : relative + ":" + child.Key;
            var extra = registry.ExtraConfiguration.TryGetValue(childRelative, out var list) ? list : null;
            var property = properties.FirstOrDefault(p => string.Equals(p.Name, child.Key, StringComparison.OrdinalIgnoreCase));
            if (isBackend && property is null)
            {
                var backend = registry.Backends.Values.FirstOrDefault(b => string.Equals(b.ConfigurationSection, child.Key, StringComparison.OrdinalIgnoreCase));
                if (backend is not null)
                {
                    CheckSection(child, [backend.SettingsType, .. extra ?? []], childRelative, registry, errors);
                    continue;
                }
            }
            if (property is null)
            {
                if (extra is not null) { CheckSection(child, extra, childRelative, registry, errors); continue; }
                var known = properties.Select(p => p.Name).Concat(isBackend ? registry.Backends.Values.Select(b => b.ConfigurationSection).OfType<string>() : []);
                errors.Add($"{child.Path} is not a known setting (known under {section.Path}: {string.Join(", ", known.Distinct())}).");
                continue;
            }
            var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (IsLeaf(type))
            {
                if (child.GetChildren().Any()) errors.Add($"{child.Path} is a single value, not a section.");
                continue;
            }
            if (typeof(IEnumerable).IsAssignableFrom(type)) continue;   // lists and dictionaries take any keys
            CheckSection(child, [type, .. extra ?? []], childRelative, registry, errors);
        }
    }

    private static IEnumerable<PropertyInfo> Settable(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0 && !typeof(Delegate).IsAssignableFrom(p.PropertyType)
                && (p.SetMethod?.IsPublic == true || (!IsLeaf(p.PropertyType) && p.GetMethod?.IsPublic == true)));

    private static bool IsLeaf(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(TimeSpan)
        || type == typeof(DateTime) || type == typeof(DateTimeOffset) || type == typeof(Guid) || type == typeof(Uri)
        || Nullable.GetUnderlyingType(type) is not null;
}
