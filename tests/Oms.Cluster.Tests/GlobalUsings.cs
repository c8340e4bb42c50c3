global using Grpc.Core;
global using Xunit;
global using Wire = Oms.Gateway.V1;
