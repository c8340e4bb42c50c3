global using Orleans;
global using Orleans.Concurrency;
global using Oms.Connectors.Abstractions;
global using Oms.Domain;
