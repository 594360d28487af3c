using System.Runtime.CompilerServices;

// The replay's classification of misses (ProxyEventLog) and its reports are unit-tested without running a tier.
[assembly: InternalsVisibleTo("Tiered.Cli.Tests")]
