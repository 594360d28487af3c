using Microsoft.Extensions.Options;

namespace Tiered.Providers.Azure;

/// <summary>Validates <see cref="AzureFunctionsOptions"/> when they are resolved from DI (the same checks as <see cref="AzureFunctionsOptions.Validate"/>).</summary>
public sealed class AzureFunctionsOptionsValidator : IValidateOptions<AzureFunctionsOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, AzureFunctionsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.GetValidationErrors();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
