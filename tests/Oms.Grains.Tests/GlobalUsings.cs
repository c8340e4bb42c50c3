global using Oms.Connectors.Abstractions;
global using Oms.Contracts;
global using Oms.Domain;
global using Oms.Grains;
global using Oms.Grains.Tests.Infrastructure;
global using Orleans;
global using Xunit;
global using Xunit.Abstractions;
