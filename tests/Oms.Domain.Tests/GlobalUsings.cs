global using Oms.Domain;
global using Oms.Domain.Tests.Support;
global using Xunit;
