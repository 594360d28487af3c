namespace Tiered.Resp;

/// <summary>A command the endpoint serves, with what <c>COMMAND</c> reports about it.</summary>
/// <param name="Name">Lower-case name.</param>
/// <param name="Arity">Redis-style: N means exactly N arguments (name included), -N at least N.</param>
/// <param name="Flags">Redis command flags (<c>readonly</c>, <c>write</c>, <c>fast</c>, …).</param>
/// <param name="FirstKey">Position of the first key argument (0: none).</param>
/// <param name="LastKey">Position of the last key argument (-1: the last argument).</param>
/// <param name="Step">Distance between key arguments.</param>
/// <param name="Group">The command group for <c>COMMAND DOCS</c>.</param>
/// <param name="Summary">One line for <c>COMMAND DOCS</c>.</param>
/// <param name="Handler">Runs the command and writes its reply.</param>
internal sealed record RespCommandSpec(
    string Name, int Arity, string[] Flags, int FirstKey, int LastKey, int Step, string Group, string Summary,
    Func<RespSession, RespCommand, CancellationToken, ValueTask> Handler)
{
    /// <summary>Whether the command may run before the client authenticated.</summary>
    public bool NoAuth => Flags.Contains("no-auth");

    public bool ArityMatches(int count) => Arity >= 0 ? count == Arity : count >= -Arity;
}
