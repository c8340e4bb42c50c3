namespace Oms.Grains;

/// <summary>The persisted state of the <see cref="FirmRiskGrain"/>.</summary>
[GenerateSerializer, Alias("oms.grains.FirmRiskState")]
public sealed class FirmRiskState
{
    [Id(0)] public RiskPolicy Policy { get; set; } = RiskPolicy.Default;
    /// <summary>Accounts that joined: their exposure counts and they receive every firm policy change.</summary>
    [Id(1)] public HashSet<AccountId> Members { get; set; } = [];
    /// <summary>Each account's latest exposure claim (valuation asset).</summary>
    [Id(2)] public Dictionary<AccountId, ExposureClaim> Claims { get; set; } = [];
}

/// <summary>
/// The firm-wide exposure book (key <see cref="GrainKeys.Firm"/>). Accounts reserve the exposure an order would take
/// them to, inside their own submit turn; this grain handles one reservation at a time, so two accounts racing one firm
/// limit can never jointly pass it. It never calls another grain, so it can always answer an account that is waiting on
/// it. Claims are replaced (never summed): a late or duplicate update cannot double-count, and updates with an older
/// sequence than the stored claim are ignored.
/// <para>
/// Cost: one grain call per new order on an account, and only while the firm has a gross or net exposure limit.
/// Claims are written to storage on membership and policy changes and on reservations; one-way updates after fills and
/// cancels are kept in memory and written with the next reservation (a lost update is replaced by the account's next
/// claim, which it sends on every order and venue event).
/// </para>
/// </summary>
public sealed class FirmRiskGrain : Grain, IFirmRiskGrain
{
    /// <summary>State name of this grain in the <see cref="OmsStorage.Name"/> storage.</summary>
    public const string StateName = "firm-risk";

    private readonly IPersistentState<FirmRiskState> _state;
    private readonly OmsGrainOptions _options;
    private readonly ILogger<FirmRiskGrain> _logger;

    public FirmRiskGrain(
        [PersistentState(StateName, OmsStorage.Name)] IPersistentState<FirmRiskState> state,
        IOptions<OmsGrainOptions> options,
        ILogger<FirmRiskGrain> logger)
    {
        _state = state;
        _options = options.Value;
        _logger = logger;
    }

    private FirmRiskState S => _state.State;

    public async Task<RiskPolicy> JoinAsync(AccountId account)
    {
        if (S.Members.Add(account))
        {
            await WriteAsync();
            _logger.LogInformation("Account {Account} joined the firm risk book ({Members} members)", account, S.Members.Count);
        }
        return S.Policy;
    }

    public async Task<FirmReservation> ReserveAsync(ExposureClaim claim)
    {
        ArgumentNullException.ThrowIfNull(claim);
        var verdict = Judge(claim);
        if (!verdict.Granted) return verdict;
        S.Members.Add(claim.Account);
        Store(claim);
        await WriteAsync();
        return verdict;
    }

    public Task<FirmReservation> CheckAsync(ExposureClaim claim)
    {
        ArgumentNullException.ThrowIfNull(claim);
        return Task.FromResult(Judge(claim));
    }

    public Task UpdateClaimAsync(ExposureClaim claim)
    {
        ArgumentNullException.ThrowIfNull(claim);
        if (!S.Claims.TryGetValue(claim.Account, out var stored) || claim.Sequence > stored.Sequence) Store(claim);
        return Task.CompletedTask;
    }

    public async Task<IReadOnlyList<AccountId>> ApplyPolicyAsync(RiskPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        if (policy.Version > S.Policy.Version)
        {
            S.Policy = policy;
            await WriteAsync();
        }
        return S.Members.ToArray();
    }

    public Task<FirmExposureView> GetExposureAsync()
    {
        var total = Total(exclude: null);
        return Task.FromResult(new FirmExposureView
        {
            Gross = total.Gross,
            Net = total.Net,
            MaxGross = S.Policy.Limits.MaxGrossExposure,
            MaxNet = S.Policy.Limits.MaxNetExposure,
            Accounts = S.Claims.Values.OrderBy(c => c.Account.Value, StringComparer.Ordinal).ToArray(),
            MemberCount = S.Members.Count,
            Asset = _options.RiskValuationAsset,
        });
    }

    public Task<FirmHeadroom> GetHeadroomAsync(AccountId account)
    {
        var others = Total(exclude: account);
        var mine = S.Claims.TryGetValue(account, out var claim) ? new Exposure(claim.Gross, claim.NetLong, claim.NetShort) : Exposure.Zero;
        var limits = S.Policy.Limits;
        return Task.FromResult(new FirmHeadroom(limits.MaxGrossExposure, limits.MaxNetExposure, others.Gross, others.NetLong, others.NetShort,
            mine.Gross, mine.NetLong, mine.NetShort, _options.RiskValuationAsset));
    }

    private FirmReservation Judge(ExposureClaim claim)
    {
        var limits = S.Policy.Limits;
        var others = Total(exclude: claim.Account);
        var before = S.Claims.TryGetValue(claim.Account, out var stored) ? new Exposure(stored.Gross, stored.NetLong, stored.NetShort) : Exposure.Zero;
        var after = new Exposure(claim.Gross, claim.NetLong, claim.NetShort);
        var denial = FirmExposureRules.Check(limits.MaxGrossExposure, limits.MaxNetExposure, others, before, after, _options.RiskValuationAsset);
        var total = others + (denial is null ? after : before);
        return new FirmReservation(denial, total.Gross, total.Net);
    }

    private Exposure Total(AccountId? exclude)
    {
        var total = Exposure.Zero;
        foreach (var (account, claim) in S.Claims)
        {
            if (exclude is { } skip && account == skip) continue;
            total += new Exposure(claim.Gross, claim.NetLong, claim.NetShort);
        }
        return total;
    }

    private void Store(ExposureClaim claim) => S.Claims[claim.Account] = claim;

    private async Task WriteAsync()
    {
        try
        {
            await _state.WriteStateAsync();
        }
        catch
        {
            try
            {
                await _state.ReadStateAsync();
            }
            catch (Exception reloadError)
            {
                _logger.LogError(reloadError, "The firm risk book could not reload after a failed write; deactivating");
                this.DeactivateOnIdle();
            }
            throw;
        }
    }
}
