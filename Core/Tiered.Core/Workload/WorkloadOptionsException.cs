namespace Tiered.Workload;

/// <summary>A workload option is out of range; <see cref="OptionName"/> names it and the message says what is allowed.</summary>
public sealed class WorkloadOptionsException : ArgumentException
{
    /// <summary>Creates the exception for <paramref name="optionName"/>.</summary>
    public WorkloadOptionsException(string optionName, string message) : base(message, optionName) => OptionName = optionName;

    /// <summary>The <see cref="WorkloadOptions"/> property at fault.</summary>
    public string OptionName { get; }

    /// <summary>The plain message, without the "(Parameter '…')" suffix <see cref="ArgumentException"/> appends.</summary>
    public override string Message => base.Message.Replace($" (Parameter '{ParamName}')", "", StringComparison.Ordinal);
}
