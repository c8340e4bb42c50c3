global using Microsoft.Extensions.Logging;
global using Oms.Connectors.Abstractions;
global using Oms.Domain;
