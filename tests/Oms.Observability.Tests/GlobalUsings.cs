global using Grpc.Core;
global using Oms.Connectors.Abstractions;
global using Oms.Contracts;
global using Oms.Domain;
global using Oms.Observability;
global using Xunit;
global using Wire = Oms.Gateway.V1;
