using Tiered.Functions.Lambda;
using Tiered.Functions.Lambda.Tests.EchoFunction;

// ECHO_INIT=exit: exit before asking for an invocation; ECHO_INIT=fail: the handler cannot be created (→ /runtime/init/error).
string? init = Environment.GetEnvironmentVariable("ECHO_INIT");
if (init == "exit") return 7;
return await LambdaBootstrap.RunProcessAsync(_ => init == "fail"
    ? throw new InvalidOperationException("ECHO_INIT=fail: the echo function refuses to start.")
    : new EchoHandler());
