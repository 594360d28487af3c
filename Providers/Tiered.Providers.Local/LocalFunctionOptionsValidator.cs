using Microsoft.Extensions.Options;

namespace Tiered.Providers.Local;

/// <summary>Validates <see cref="LocalFunctionOptions"/> when they are resolved from DI (the same checks as <see cref="LocalFunctionOptions.Validate"/>).</summary>
public sealed class LocalFunctionOptionsValidator : IValidateOptions<LocalFunctionOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, LocalFunctionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.GetValidationErrors();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
