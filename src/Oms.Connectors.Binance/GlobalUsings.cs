global using Oms.Connectors.Abstractions;
global using Oms.Domain;
