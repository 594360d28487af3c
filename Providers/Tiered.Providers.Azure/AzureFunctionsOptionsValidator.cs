using Microsoft.Extensions.Options;

namespace Tiered.Providers.Azure;

/// <summary>Validates <see cref="AzureFunctionsOptions"/> when they are resolved from DI (the same checks as <see cref="AzureFunctionsOptions.Validate"/>).</summary>
/// <param name="keyProviderGiven">Whether an <see cref="Keys.IFunctionKeyProvider"/> supplies the keys (then no key setting is required).</param>
public sealed class AzureFunctionsOptionsValidator(bool keyProviderGiven = false) : IValidateOptions<AzureFunctionsOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, AzureFunctionsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.GetValidationErrors(keyProviderGiven);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
