namespace Oms.Storage.Tests.Silo;

/// <summary>Silo tests run one class at a time and alone (2 cores; membership and reminders like a quiet machine).</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class OrleansCollection
{
    public const string Name = "Orleans silos on PostgreSQL";
}
