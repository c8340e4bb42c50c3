global using Grpc.Core;
global using Oms.Connectors.Abstractions;
global using Oms.Contracts;
global using Oms.Domain;
global using Xunit;
global using Xunit.Abstractions;
global using Wire = Oms.Gateway.V1;
