namespace Oms.Domain.Tests.Orders;

/// <summary>
/// The order transition table, written out cell by cell. A change to <see cref="OrderStateMachine"/> must change this
/// table too, on purpose. Cells: <c>-</c> invalid, <c>=</c> stay (legal, status unchanged), <c>W</c> back to working
/// (New if nothing is filled, else PartiallyFilled), otherwise the status moved to.
/// </summary>
public sealed class TransitionTableTests
{
    private const string ExpectedTable = """
        Status           Accept  Reject    PartialFill      FullFill  CancelRequest  CancelReject  Cancel    ReplaceRequest  ReplaceReject  Replace  Expire
        PendingNew       New     Rejected  PartiallyFilled  Filled    PendingCancel  -             Canceled  -               -              -        Expired
        New              =       Rejected  PartiallyFilled  Filled    PendingCancel  =             Canceled  PendingReplace  =              W        Expired
        PartiallyFilled  =       -         PartiallyFilled  Filled    PendingCancel  =             Canceled  PendingReplace  =              W        Expired
        Filled           =       -         =                =         -              =             =         -               =              -        =
        PendingCancel    =       Rejected  =                Filled    =              W             Canceled  -               =              =        Expired
        PendingReplace   =       -         =                Filled    PendingCancel  =             Canceled  -               W              W        Expired
        Canceled         =       -         =                Filled    -              =             =         -               =              -        =
        Rejected         -       =         PartiallyFilled  Filled    -              =             -         -               -              -        -
        Denied           -       -         -                -         -              -             -         -               -              -        -
        Expired          =       -         =                Filled    -              =             =         -               =              -        =
        """;

    private static readonly Lazy<(OrderTrigger[] Columns, Dictionary<OrderStatus, string[]> Rows)> Parsed = new(Parse);

    public static TheoryData<OrderStatus, OrderTrigger, string> AllPairs()
    {
        var data = new TheoryData<OrderStatus, OrderTrigger, string>();
        foreach (var status in Enum.GetValues<OrderStatus>())
        {
            foreach (var trigger in Enum.GetValues<OrderTrigger>()) data.Add(status, trigger, Expected(status, trigger));
        }
        return data;
    }

    [Fact]
    public void Expected_table_covers_every_status_and_every_trigger_exactly_once()
    {
        var (columns, rows) = Parsed.Value;
        Assert.Equal(Enum.GetValues<OrderTrigger>(), columns);
        Assert.Equal(Enum.GetValues<OrderStatus>().Order(), rows.Keys.Order());
        Assert.All(rows.Values, cells => Assert.Equal(columns.Length, cells.Length));
    }

    [Theory]
    [MemberData(nameof(AllPairs))]
    public void Lookup_matches_the_expected_table(OrderStatus from, OrderTrigger trigger, string expected)
    {
        var actual = OrderStateMachine.Lookup(from, trigger);
        Assert.Equal(expected, Describe(actual));
    }

    [Theory]
    [MemberData(nameof(AllPairs))]
    public void Resolve_gives_the_status_the_table_names(OrderStatus from, OrderTrigger trigger, string expected)
    {
        var transition = OrderStateMachine.Lookup(from, trigger);
        var (nothingFilled, someFilled) = expected switch
        {
            "-" or "=" => (from, from),
            "W" => (OrderStatus.New, OrderStatus.PartiallyFilled),
            _ => (Enum.Parse<OrderStatus>(expected), Enum.Parse<OrderStatus>(expected)),
        };
        Assert.Equal(nothingFilled, transition.Resolve(from, anyFilled: false));
        Assert.Equal(someFilled, transition.Resolve(from, anyFilled: true));
    }

    [Fact]
    public void Terminal_and_open_statuses_are_exactly_the_documented_ones()
    {
        OrderStatus[] terminal = [OrderStatus.Filled, OrderStatus.Canceled, OrderStatus.Rejected, OrderStatus.Denied, OrderStatus.Expired];
        foreach (var status in Enum.GetValues<OrderStatus>())
        {
            Assert.Equal(terminal.Contains(status), OrderStateMachine.IsTerminal(status));
            Assert.Equal(!terminal.Contains(status), OrderStateMachine.IsOpen(status));
        }
    }

    [Fact]
    public void Terminal_statuses_refuse_every_new_request()
    {
        foreach (var status in Enum.GetValues<OrderStatus>().Where(OrderStateMachine.IsTerminal))
        {
            Assert.Equal(TransitionKind.Invalid, OrderStateMachine.Lookup(status, OrderTrigger.CancelRequest).Kind);
            Assert.Equal(TransitionKind.Invalid, OrderStateMachine.Lookup(status, OrderTrigger.ReplaceRequest).Kind);
        }
    }

    [Fact]
    public void The_only_ways_out_of_a_terminal_status_are_late_fills()
    {
        foreach (var from in Enum.GetValues<OrderStatus>().Where(OrderStateMachine.IsTerminal))
        {
            foreach (var trigger in Enum.GetValues<OrderTrigger>())
            {
                var transition = OrderStateMachine.Lookup(from, trigger);
                if (transition.Kind is TransitionKind.Invalid or TransitionKind.Stay) continue;
                Assert.True(trigger is OrderTrigger.PartialFill or OrderTrigger.FullFill, $"{from} + {trigger} leaves a terminal status");
                // Canceled/Expired become Filled when a late fill completes the order; Rejected takes any fill the venue reports.
                Assert.True(from == OrderStatus.Rejected || transition.Resolve(from, anyFilled: true) == OrderStatus.Filled,
                    $"{from} + {trigger} moves to {transition.Resolve(from, true)}");
            }
        }
    }

    [Fact]
    public void Nothing_applies_to_a_denied_order()
    {
        Assert.All(Enum.GetValues<OrderTrigger>(), t => Assert.Equal(TransitionKind.Invalid, OrderStateMachine.Lookup(OrderStatus.Denied, t).Kind));
    }

    [Fact]
    public void A_full_fill_from_any_status_a_venue_knows_ends_filled_or_is_refused()
    {
        foreach (var status in Enum.GetValues<OrderStatus>())
        {
            var transition = OrderStateMachine.Lookup(status, OrderTrigger.FullFill);
            if (transition.Kind == TransitionKind.Invalid) Assert.Contains(status, new[] { OrderStatus.Filled, OrderStatus.Denied });
            else Assert.Equal(OrderStatus.Filled, transition.Resolve(status, anyFilled: true));
        }
    }

    private static string Expected(OrderStatus status, OrderTrigger trigger)
    {
        var (columns, rows) = Parsed.Value;
        return rows[status][Array.IndexOf(columns, trigger)];
    }

    private static string Describe(Transition transition) => transition.Kind switch
    {
        TransitionKind.Invalid => "-",
        TransitionKind.Stay => "=",
        TransitionKind.Working => "W",
        TransitionKind.Move => transition.To.ToString(),
        _ => throw new ArgumentOutOfRangeException(nameof(transition), transition.Kind, null),
    };

    private static (OrderTrigger[] Columns, Dictionary<OrderStatus, string[]> Rows) Parse()
    {
        var lines = ExpectedTable.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var columns = lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(Enum.Parse<OrderTrigger>).ToArray();
        var rows = new Dictionary<OrderStatus, string[]>();
        foreach (var line in lines.Skip(1))
        {
            var cells = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            rows.Add(Enum.Parse<OrderStatus>(cells[0]), cells[1..]);
        }
        return (columns, rows);
    }
}
