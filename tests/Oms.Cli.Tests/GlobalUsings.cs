global using Oms.Contracts;
global using Oms.Domain;
global using Oms.Connectors.Abstractions;
global using Xunit;
