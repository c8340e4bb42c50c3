using Oms.LoadGen;

// The OMS load generator: open-loop order flow and fill ingest against the simulator, with the official SDK as the
// baseline in the same run. Usage: dotnet run -c Release --project tests/Oms.LoadGen -- --help
return await LoadGenerator.RunAsync(args);
