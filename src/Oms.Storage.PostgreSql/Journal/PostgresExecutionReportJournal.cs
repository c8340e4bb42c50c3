using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using NpgsqlTypes;
using Oms.Contracts;
using Oms.Domain;
using Oms.Grains;
using Orleans.Serialization;

namespace Oms.Storage.PostgreSql.Journal;

/// <summary>
/// The account grains' <see cref="IExecutionReportJournal"/> on PostgreSQL (migration 0006): execution reports in
/// <c>oms_execution_reports</c>, archived closed orders in <c>oms_archived_orders</c>, applied fill keys in
/// <c>oms_fill_keys</c>. Payloads are the Orleans serializer's binary form of the grain types.
/// <para>
/// Writes are group-committed: while one write is in flight, the appends and archives of every account queue up, and
/// the next write takes all of them (up to <see cref="MaxCallsPerWrite"/>) in one transaction of at most three
/// array-parameter statements, so many accounts writing at once cost one round trip, not one each. Nothing waits on a
/// timer. A failed write fails every call in it (callers retry: the account grain keeps what was not written in its
/// hot state). Writes are idempotent: reports by (account, sequence), orders by (account, client order id) keeping the
/// newest archive, fill keys by (account, instrument, trade id).
/// </para>
/// </summary>
public sealed class PostgresExecutionReportJournal : IExecutionReportJournal, IAsyncDisposable, IDisposable
{
    /// <summary>Calls taken into one group write.</summary>
    public const int MaxCallsPerWrite = 256;

    /// <summary>Upper bound of one read.</summary>
    public const int MaxReadCount = 10_000;

    private const string InsertReportsSql = """
        INSERT INTO oms_execution_reports (account_id, sequence, client_order_id, event_kind, order_status, payload)
        SELECT * FROM unnest(@r_accounts, @r_sequences, @r_orders, @r_kinds, @r_statuses, @r_payloads)
        ON CONFLICT (account_id, sequence) DO NOTHING
        """;

    private const string UpsertOrdersSql = """
        INSERT INTO oms_archived_orders (account_id, client_order_id, created_sequence, archived_at_sequence, instrument, order_status, payload)
        SELECT DISTINCT ON (a, c) a, c, cs, arch, i, st, p
          FROM unnest(@o_accounts, @o_ids, @o_created, @o_archived, @o_instruments, @o_statuses, @o_payloads) AS t(a, c, cs, arch, i, st, p)
         ORDER BY a, c, arch DESC
        ON CONFLICT (account_id, client_order_id) DO UPDATE
           SET created_sequence = excluded.created_sequence, archived_at_sequence = excluded.archived_at_sequence,
               instrument = excluded.instrument, order_status = excluded.order_status, payload = excluded.payload, archived_at = now()
         WHERE oms_archived_orders.archived_at_sequence <= excluded.archived_at_sequence
        """;

    private const string InsertFillKeysSql = """
        INSERT INTO oms_fill_keys (account_id, instrument, trade_id)
        SELECT * FROM unnest(@f_accounts, @f_instruments, @f_trades)
        ON CONFLICT DO NOTHING
        """;

    private readonly NpgsqlDataSource _dataSource;
    private readonly Serializer _serializer;
    private readonly ILogger _logger;
    private readonly Channel<PendingWrite> _queue = Channel.CreateUnbounded<PendingWrite>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _writer;

    /// <summary>Creates the journal over <paramref name="dataSource"/> (not owned).</summary>
    public PostgresExecutionReportJournal(NpgsqlDataSource dataSource, Serializer serializer, ILogger<PostgresExecutionReportJournal>? logger = null)
    {
        _dataSource = dataSource ?? throw new ArgumentNullException(nameof(dataSource));
        _serializer = serializer ?? throw new ArgumentNullException(nameof(serializer));
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _writer = Task.Run(WriteLoopAsync);
    }

    /// <inheritdoc />
    public ValueTask AppendAsync(AccountId account, IReadOnlyList<ExecutionReport> reports, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reports);
        return reports.Count == 0 ? ValueTask.CompletedTask : EnqueueAsync(new PendingWrite(account, reports, [], []), cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask ArchiveAsync(AccountId account, IReadOnlyList<OrderRecord> orders, IReadOnlyList<FillTrace> fills, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(orders);
        ArgumentNullException.ThrowIfNull(fills);
        if (orders.Count == 0 && fills.Count == 0) return ValueTask.CompletedTask;
        // Serialized now: the grain may change its records once the call returned.
        return EnqueueAsync(new PendingWrite(account, [], orders.Select(o => (o, _serializer.SerializeToArray(o))).ToArray(), fills), cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<ExecutionReport>> ReadAsync(AccountId account, long afterSequence, int maxCount, CancellationToken cancellationToken = default)
    {
        if (maxCount < 1) return [];
        var command = _dataSource.CreateCommand("""
            SELECT payload FROM oms_execution_reports
             WHERE account_id = @account AND sequence > @after
             ORDER BY sequence
             LIMIT @max
            """);
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.Add(new NpgsqlParameter<string>("account", NpgsqlDbType.Text) { TypedValue = account.Value });
            command.Parameters.Add(new NpgsqlParameter<long>("after", NpgsqlDbType.Bigint) { TypedValue = afterSequence });
            command.Parameters.Add(new NpgsqlParameter<int>("max", NpgsqlDbType.Integer) { TypedValue = Math.Min(maxCount, MaxReadCount) });
            return await ReadPayloadsAsync<ExecutionReport>(command, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<OrderRecord>> FindOrdersAsync(AccountId account, IReadOnlyCollection<ClientOrderId> clientOrderIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(clientOrderIds);
        var ids = clientOrderIds.Where(id => id.Value is not null).Select(id => id.Value).Distinct(StringComparer.Ordinal).ToArray();
        if (ids.Length == 0) return [];
        var command = _dataSource.CreateCommand("SELECT payload FROM oms_archived_orders WHERE account_id = @account AND client_order_id = ANY(@ids)");
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.Add(new NpgsqlParameter<string>("account", NpgsqlDbType.Text) { TypedValue = account.Value });
            command.Parameters.Add(new NpgsqlParameter<string[]>("ids", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = ids });
            return await ReadPayloadsAsync<OrderRecord>(command, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<OrderRecord>> ListOrdersAsync(AccountId account, InstrumentId? instrument, int limit, CancellationToken cancellationToken = default)
    {
        if (limit < 1) return [];
        var command = _dataSource.CreateCommand(instrument is null
            ? "SELECT payload FROM oms_archived_orders WHERE account_id = @account ORDER BY created_sequence DESC LIMIT @limit"
            : "SELECT payload FROM oms_archived_orders WHERE account_id = @account AND instrument = @instrument ORDER BY created_sequence DESC LIMIT @limit");
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.Add(new NpgsqlParameter<string>("account", NpgsqlDbType.Text) { TypedValue = account.Value });
            command.Parameters.Add(new NpgsqlParameter<int>("limit", NpgsqlDbType.Integer) { TypedValue = Math.Min(limit, MaxReadCount) });
            if (instrument is { } only) command.Parameters.Add(new NpgsqlParameter<string>("instrument", NpgsqlDbType.Text) { TypedValue = only.ToString() });
            return await ReadPayloadsAsync<OrderRecord>(command, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<FillKey>> FindFillsAsync(AccountId account, IReadOnlyCollection<FillKey> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.Count == 0) return [];
        var byText = new Dictionary<(string, string), FillKey>();
        foreach (var key in keys) byText[(key.Instrument.ToString(), key.TradeId.Value)] = key;
        var command = _dataSource.CreateCommand("""
            SELECT t.i, t.tr FROM unnest(@instruments, @trades) AS t(i, tr)
             WHERE EXISTS (SELECT 1 FROM oms_fill_keys k WHERE k.account_id = @account AND k.instrument = t.i AND k.trade_id = t.tr)
            """);
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.Add(new NpgsqlParameter<string>("account", NpgsqlDbType.Text) { TypedValue = account.Value });
            command.Parameters.Add(new NpgsqlParameter<string[]>("instruments", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = byText.Keys.Select(k => k.Item1).ToArray() });
            command.Parameters.Add(new NpgsqlParameter<string[]>("trades", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = byText.Keys.Select(k => k.Item2).ToArray() });
            var found = new List<FillKey>();
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    if (byText.TryGetValue((reader.GetString(0), reader.GetString(1)), out var key)) found.Add(key);
                }
            }
            return found;
        }
    }

    /// <summary>Stops taking writes, writes what is queued, then stops.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writer.ConfigureAwait(false);
    }

    /// <summary>As <see cref="DisposeAsync"/>, blocking (for containers disposed synchronously).</summary>
    public void Dispose()
    {
        _queue.Writer.TryComplete();
        _writer.GetAwaiter().GetResult();
    }

    private ValueTask EnqueueAsync(PendingWrite write, CancellationToken cancellationToken)
    {
        if (!_queue.Writer.TryWrite(write))
        {
            return ValueTask.FromException(new ObjectDisposedException(nameof(PostgresExecutionReportJournal), "the journal is shutting down; nothing was written"));
        }
        return new ValueTask(cancellationToken.CanBeCanceled ? write.Completion.Task.WaitAsync(cancellationToken) : write.Completion.Task);
    }

    private async Task<IReadOnlyList<T>> ReadPayloadsAsync<T>(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var result = new List<T>();
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                result.Add(_serializer.Deserialize<T>(reader.GetFieldValue<byte[]>(0))
                    ?? throw new InvalidOperationException($"a stored {typeof(T).Name} payload deserialized to null"));
            }
        }
        return result;
    }

    private async Task WriteLoopAsync()
    {
        var group = new List<PendingWrite>(MaxCallsPerWrite);
        while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            group.Clear();
            while (group.Count < MaxCallsPerWrite && _queue.Reader.TryRead(out var write)) group.Add(write);
            try
            {
                await WriteGroupAsync(group).ConfigureAwait(false);
                foreach (var write in group) write.Completion.TrySetResult();
            }
            catch (Exception ex)
            {
                _logger.LogWarning(ex, "Execution-report journal write of {Calls} call(s) failed; the accounts retry", group.Count);
                foreach (var write in group) write.Completion.TrySetException(ex);
            }
        }
    }

    private async Task WriteGroupAsync(List<PendingWrite> group)
    {
        var reportAccounts = new List<string>(); var reportSequences = new List<long>(); var reportOrders = new List<string>();
        var reportKinds = new List<string>(); var reportStatuses = new List<string>(); var reportPayloads = new List<byte[]>();
        var orderAccounts = new List<string>(); var orderIds = new List<string>(); var orderCreated = new List<long>(); var orderArchived = new List<long>();
        var orderInstruments = new List<string>(); var orderStatuses = new List<string>(); var orderPayloads = new List<byte[]>();
        var fillAccounts = new List<string>(); var fillInstruments = new List<string>(); var fillTrades = new List<string>();
        foreach (var write in group)
        {
            var account = write.Account.Value;
            foreach (var report in write.Reports)
            {
                reportAccounts.Add(account);
                reportSequences.Add(report.Sequence);
                reportOrders.Add(report.Order.ClientOrderId.Value);
                reportKinds.Add(report.Event.GetType().Name);
                reportStatuses.Add(report.Order.Status.ToString());
                reportPayloads.Add(_serializer.SerializeToArray(report));
            }
            foreach (var (record, payload) in write.Orders)
            {
                orderAccounts.Add(account);
                orderIds.Add(record.Order.ClientOrderId.Value);
                orderCreated.Add(record.CreatedSequence);
                orderArchived.Add(record.ArchivedAtSequence);
                orderInstruments.Add(record.Order.Instrument.ToString());
                orderStatuses.Add(record.Order.Status.ToString());
                orderPayloads.Add(payload);
                foreach (var key in record.FillKeys) AddFill(account, key);
            }
            foreach (var fill in write.Fills) AddFill(account, fill.Key);
        }

        void AddFill(string account, FillKey key)
        {
            fillAccounts.Add(account);
            fillInstruments.Add(key.Instrument.ToString());
            fillTrades.Add(key.TradeId.Value);
        }

        var connection = await _dataSource.OpenConnectionAsync().ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var batch = new NpgsqlBatch(connection);
            await using (batch.ConfigureAwait(false))
            {
                if (reportAccounts.Count > 0)
                {
                    var insert = new NpgsqlBatchCommand(InsertReportsSql);
                    Text(insert, "r_accounts", reportAccounts);
                    insert.Parameters.Add(new NpgsqlParameter<long[]>("r_sequences", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { TypedValue = [.. reportSequences] });
                    Text(insert, "r_orders", reportOrders);
                    Text(insert, "r_kinds", reportKinds);
                    Text(insert, "r_statuses", reportStatuses);
                    insert.Parameters.Add(new NpgsqlParameter<byte[][]>("r_payloads", NpgsqlDbType.Array | NpgsqlDbType.Bytea) { TypedValue = [.. reportPayloads] });
                    batch.BatchCommands.Add(insert);
                }
                if (orderAccounts.Count > 0)
                {
                    var upsert = new NpgsqlBatchCommand(UpsertOrdersSql);
                    Text(upsert, "o_accounts", orderAccounts);
                    Text(upsert, "o_ids", orderIds);
                    upsert.Parameters.Add(new NpgsqlParameter<long[]>("o_created", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { TypedValue = [.. orderCreated] });
                    upsert.Parameters.Add(new NpgsqlParameter<long[]>("o_archived", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { TypedValue = [.. orderArchived] });
                    Text(upsert, "o_instruments", orderInstruments);
                    Text(upsert, "o_statuses", orderStatuses);
                    upsert.Parameters.Add(new NpgsqlParameter<byte[][]>("o_payloads", NpgsqlDbType.Array | NpgsqlDbType.Bytea) { TypedValue = [.. orderPayloads] });
                    batch.BatchCommands.Add(upsert);
                }
                if (fillAccounts.Count > 0)
                {
                    var insert = new NpgsqlBatchCommand(InsertFillKeysSql);
                    Text(insert, "f_accounts", fillAccounts);
                    Text(insert, "f_instruments", fillInstruments);
                    Text(insert, "f_trades", fillTrades);
                    batch.BatchCommands.Add(insert);
                }
                if (batch.BatchCommands.Count == 0) return;
                // A batch of several statements runs in one implicit transaction: all or nothing.
                await batch.ExecuteNonQueryAsync().ConfigureAwait(false);
            }
        }
    }

    private static void Text(NpgsqlBatchCommand command, string name, List<string> values) =>
        command.Parameters.Add(new NpgsqlParameter<string[]>(name, NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = [.. values] });

    private sealed class PendingWrite(AccountId account, IReadOnlyList<ExecutionReport> reports, (OrderRecord Record, byte[] Payload)[] orders, IReadOnlyList<FillTrace> fills)
    {
        public AccountId Account { get; } = account;
        public IReadOnlyList<ExecutionReport> Reports { get; } = reports;
        public (OrderRecord Record, byte[] Payload)[] Orders { get; } = orders;
        public IReadOnlyList<FillTrace> Fills { get; } = fills;
        public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
