using Microsoft.Extensions.Options;

namespace Tiered.Providers.Gcp;

/// <summary>Validates <see cref="CloudRunFunctionOptions"/> when they are resolved from DI (the same checks as <see cref="CloudRunFunctionOptions.Validate"/>).</summary>
public sealed class CloudRunFunctionOptionsValidator : IValidateOptions<CloudRunFunctionOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, CloudRunFunctionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.GetValidationErrors();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
