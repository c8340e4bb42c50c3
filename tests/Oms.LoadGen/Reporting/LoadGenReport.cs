using Oms.LoadGen.Measurement;

namespace Oms.LoadGen.Reporting;

/// <summary>Everything one run measured, with the machine and the configuration (written as JSON and Markdown).</summary>
public sealed record LoadGenReport
{
    public string Tool { get; init; } = "Oms.LoadGen";
    public required DateTimeOffset StartedAt { get; init; }
    public DateTimeOffset FinishedAt { get; set; }
    public required string Commit { get; init; }
    public required MachineInfo Machine { get; init; }
    public required LoadAverage? LoadAverageAtStart { get; init; }
    public LoadAverage? LoadAverageAtEnd { get; set; }
    public required RunConfig Config { get; init; }
    public required TargetDescription Oms { get; init; }
    public List<RateComparison> OrderFlow { get; } = [];
    public FillIngestResult? FillIngest { get; set; }
    public MemoryResult? Memory { get; set; }
    public SessionResult? Session { get; set; }
    public List<TargetCheck> Targets { get; } = [];
    public List<string> Notes { get; } = [];
}

/// <summary>The settings of the run, as given or defaulted.</summary>
public sealed record RunConfig(
    string Scenario,
    bool Quick,
    IReadOnlyList<int> Rates,
    double WarmupSeconds,
    double DurationSeconds,
    double DrainSeconds,
    int Accounts,
    int FillAccounts,
    int FillOrdersPerAccount,
    int MemoryAccounts,
    int MemoryOrdersPerAccount,
    string Symbol,
    string Order,
    bool Baseline,
    string Storage,
    string SimulatorLimits,
    IReadOnlyDictionary<string, string> SiloSettings,
    string CommandLine,
    bool FrameTap,
    int ReconnectOrders,
    int ReconnectRounds,
    int Connects);

/// <summary>What was measured: how the OMS was run and what the silo process figures cover.</summary>
public sealed record TargetDescription(string How, string VenuePath, string Storage, string SiloProcessScope, string Endpoint);

/// <summary>One target of the issue, checked against this run's figures.</summary>
public sealed record TargetCheck(string Target, string Measured, string Verdict, string Detail);
