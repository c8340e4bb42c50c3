namespace Oms.Connectors.Contract.Tests.Infrastructure;

/// <summary>One embedded OMS shared by the tests of a collection; tests use their own accounts (except the demo account test).</summary>
public sealed class EmbeddedOmsFixture : EmbeddedOms;

[CollectionDefinition(Name)]
public sealed class EmbeddedOmsCollection : ICollectionFixture<EmbeddedOmsFixture>
{
    public const string Name = "embedded-oms";
}
