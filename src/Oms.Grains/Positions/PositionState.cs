namespace Oms.Grains;

/// <summary>The persisted state of one <see cref="PositionGrain"/>.</summary>
[GenerateSerializer, Alias("oms.grains.PositionState")]
public sealed class PositionState
{
    /// <summary>One leg per position side: Both in one-way mode, Long and Short in hedge mode.</summary>
    [Id(0)] public Dictionary<PositionSide, PositionLeg> Legs { get; set; } = [];

    /// <summary>Legacy (states written before the ring buffers): moved into <see cref="RecentTradeIds"/> on activation.</summary>
    [Id(1)] public List<TradeId> AppliedTradeIds { get; set; } = [];

    /// <summary>Legacy (states written before the ring buffers): moved into <see cref="RecentHistory"/> on activation.</summary>
    [Id(2)] public List<PositionHistoryEntry> History { get; set; } = [];

    [Id(3)] public long FillCount { get; set; }
    [Id(4)] public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>The most recent applied trade ids, oldest first (ring of <see cref="OmsGrainOptions.PositionTradeIdRetention"/>).</summary>
    [Id(5)] public RingBuffer<TradeId> RecentTradeIds { get; set; } = new(1);

    /// <summary>The most recent history entries, oldest first (ring of <see cref="OmsGrainOptions.PositionHistoryCapacity"/>).</summary>
    [Id(6)] public RingBuffer<PositionHistoryEntry> RecentHistory { get; set; } = new(1);
}

[GenerateSerializer, Alias("oms.grains.PositionLeg")]
public sealed class PositionLeg
{
    [Id(0)] public required Position Position { get; set; }
    [Id(1)] public long FillCount { get; set; }
    [Id(2)] public DateTimeOffset UpdatedAt { get; set; }
}
