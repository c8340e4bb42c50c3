global using Oms.Connectors.Abstractions;
global using Oms.Contracts;
global using Oms.Domain;
