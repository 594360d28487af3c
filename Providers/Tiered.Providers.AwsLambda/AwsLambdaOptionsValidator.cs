using Microsoft.Extensions.Options;

namespace Tiered.Providers.AwsLambda;

/// <summary>Validates <see cref="AwsLambdaOptions"/> when they are resolved from DI (the same checks as <see cref="AwsLambdaOptions.Validate"/>).</summary>
public sealed class AwsLambdaOptionsValidator : IValidateOptions<AwsLambdaOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, AwsLambdaOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.GetValidationErrors();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
