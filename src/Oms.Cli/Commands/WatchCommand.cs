using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Grpc.Core;
using Oms.Cli.CommandLine;
using Oms.Cli.Errors;
using Oms.Cli.Output;
using Wire = Oms.Gateway.V1;

namespace Oms.Cli.Commands;

/// <summary>
/// <c>oms watch</c>: follows the account's execution reports. Starts after the latest report (live) unless
/// <c>--from-sequence</c> says where to resume; reconnects by itself from the next sequence when the stream breaks
/// (silo failover), so no report is skipped or shown twice; stops on Ctrl+C or after <c>--count</c> reports.
/// </summary>
internal static class WatchCommand
{
    /// <summary>How long the stream keeps trying to reconnect after it broke before giving up with exit 5.</summary>
    private static readonly TimeSpan ReconnectBudget = TimeSpan.FromSeconds(60);

    public static Command Create(CommandRunner runner)
    {
        var from = new Option<long?>("--from-sequence", "-f")
        {
            Description = "First sequence to show (inclusive): resume with the last sequence seen + 1; 0 = the oldest retained [default: only new reports]",
            HelpName = "n",
        };
        from.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<long?>() is < 0) r.AddError("--from-sequence must not be negative");
        });
        var count = new Option<int?>("--count", "-n") { Description = "Stop after this many reports (scripts and tests)", HelpName = "n" };
        count.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int?>() is < 1) r.AddError("--count must be at least 1");
        });
        var command = new Command("watch", "Follow the account's execution reports live (Ctrl+C stops); --json prints one JSON object per line") { from, count };
        runner.Bind(command, (context, ct) => WatchAsync(context, context.Get(from), context.Get(count), ct));
        return command;
    }

    private static async Task<int> WatchAsync(CliContext context, long? fromSequence, int? count, CancellationToken cancellationToken)
    {
        var account = context.RequireAccount();
        var connection = context.Connection;
        var output = context.Output;

        // One unary call first: it checks the silo, the token and the account with the usual exit codes, and tells
        // where "live" starts.
        var info = await connection.CallAsync(o => connection.Accounts.GetAccountAsync(new Wire.GetAccountRequest { AccountId = account }, o), cancellationToken);
        var next = fromSequence ?? info.LastSequence + 1;
        if (!output.Json)
        {
            output.Diagnostic($"watching {account} from sequence {next}{(fromSequence is null ? " (new reports only)" : string.Empty)}" +
                              (count is { } n ? $", stopping after {n} report(s)" : "; Ctrl+C stops"));
        }

        var received = 0;
        Stopwatch? failingSince = null;
        var backoff = TimeSpan.FromMilliseconds(200);
        while (true)
        {
            try
            {
                using var call = connection.Orders.StreamExecutionReports(
                    new Wire.StreamExecutionReportsRequest { AccountId = account, FromSequence = next },
                    connection.Options(cancellationToken, withDeadline: false));
                while (await call.ResponseStream.MoveNext(cancellationToken))
                {
                    failingSince = null;
                    backoff = TimeSpan.FromMilliseconds(200);
                    var message = call.ResponseStream.Current;
                    if (message.KindCase == Wire.ExecutionReportStreamMessage.KindOneofCase.Truncated)
                    {
                        WriteTruncated(output, message.Truncated);
                        continue;
                    }
                    if (message.KindCase != Wire.ExecutionReportStreamMessage.KindOneofCase.Report) continue;

                    var report = message.Report;
                    WriteReport(output, report);
                    next = report.Sequence + 1;
                    if (++received == count) return Stop(output, received, next);
                }
                // The server ended the stream (silo shutting down): resume where we are.
                failingSince ??= Stopwatch.StartNew();
                output.Diagnostic($"the stream ended; reconnecting from sequence {next}");
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return Stop(output, received, next);
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.Cancelled && cancellationToken.IsCancellationRequested)
            {
                return Stop(output, received, next);
            }
            catch (RpcException ex) when (IsBrokenStream(ex))
            {
                failingSince ??= Stopwatch.StartNew();
                if (failingSince.Elapsed >= ReconnectBudget)
                {
                    var error = connection.Translate(ex);
                    throw new CliException(error.ExitCode == ExitCodes.Internal ? ExitCodes.Unavailable : error.ExitCode, error.Kind,
                        $"the execution report stream could not be resumed for {ReconnectBudget.TotalSeconds:0} s: {error.Message}{Environment.NewLine}" +
                        $"resume later with: oms watch --account {account} --from-sequence {next}");
                }
                output.Diagnostic($"the stream broke ({ex.StatusCode}: {ex.Status.Detail}); reconnecting from sequence {next}");
            }
            catch (RpcException ex)
            {
                throw connection.Translate(ex);
            }

            try
            {
                await Task.Delay(backoff, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return Stop(output, received, next);
            }
            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
        }
    }

    /// <summary>UNAVAILABLE (failover, silo restart), or a transport failure surfacing as INTERNAL (connection reset mid-stream).</summary>
    private static bool IsBrokenStream(RpcException exception) =>
        exception.StatusCode == StatusCode.Unavailable
        || (exception.StatusCode == StatusCode.Internal && exception.Status.DebugException is IOException or System.Net.Http.HttpRequestException or System.Net.Http.HttpProtocolException);

    private static int Stop(CliOutput output, int received, long next)
    {
        if (!output.Json) output.Diagnostic($"stopped after {received} report(s); resume with --from-sequence {next.ToString(CultureInfo.InvariantCulture)}");
        return ExitCodes.Ok;
    }

    private static bool IsNonZero(string amount) =>
        decimal.TryParse(amount, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) && value != 0m;

    private static void WriteTruncated(CliOutput output, Wire.StreamTruncated truncated)
    {
        if (output.Json) output.WriteJsonLine(StreamLineView.Truncated(truncated));
        output.Warning($"reports {truncated.RequestedFromSequence} to {truncated.FirstAvailableSequence - 1} are no longer retained; " +
                       $"continuing from {truncated.FirstAvailableSequence} (re-read orders with `oms orders` to resynchronise)");
    }

    private static void WriteReport(CliOutput output, Wire.ExecutionReport report)
    {
        var view = StreamLineView.Report(report);
        if (output.Json)
        {
            output.WriteJsonLine(view);
            return;
        }
        var order = view.Order;
        var detail = view.ExecutionType switch
        {
            "FILLED" when view.Fill is { } f => $"fill {f.Quantity} @ {f.Price} (trade {f.TradeId}{(f.Fee is null ? string.Empty : $", fee {f.Fee} {f.FeeAsset}")})",
            "DENIED" when view.Denial is { } d => d.ToString(),
            _ => Tables.Join(view.Reason, view.VenueCode is null ? null : $"(venue code {view.VenueCode})"),
        };
        var line = Tables.Join(
            $"#{view.Sequence?.ToString(CultureInfo.InvariantCulture)}",
            Tables.Time(view.Timestamp),
            view.ExecutionType ?? "?",
            order?.ClientOrderId,
            order is null ? null : OrderCommands.Summary(order),
            detail.Length == 0 ? null : detail,
            order is null ? null : $"-> {OrderCommands.StatusText(order)}",
            order is { FilledQuantity: { } filled, Quantity: { } quantity } && IsNonZero(filled) ? $"filled {filled}/{quantity}" : null);
        output.Line(line);
    }
}
