global using Grpc.Core;
global using Oms.Contracts;
global using Oms.Domain;
