using Oms.Cli.CommandLine;

// `oms`: see src/Oms.Cli/README.md for commands, options, the token lookup order and exit codes.
return await OmsCommandLine.RunAsync(args, CliHost.FromProcess());
