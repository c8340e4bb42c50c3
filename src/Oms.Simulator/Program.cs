using Oms.Simulator.Hosting;

await SimulatorProgram.RunAsync(args).ConfigureAwait(false);
