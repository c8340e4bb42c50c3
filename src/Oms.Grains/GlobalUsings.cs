global using Microsoft.Extensions.Logging;
global using Microsoft.Extensions.Options;
global using Orleans;
global using Orleans.Concurrency;
global using Orleans.Runtime;
global using Oms.Connectors.Abstractions;
global using Oms.Contracts;
global using Oms.Domain;
