-- Migration 0006: the cold side of the account grains (IExecutionReportJournal): execution-report history, archived
-- closed orders and the index of applied fill keys. The account grain's persisted state keeps only hot data (open
-- orders, balances, a bounded de-duplication window); everything that grows with history lives here.
--
-- Payloads are the Orleans serializer's binary form of the grain types (version tolerant by [Id]); the columns beside
-- them are what queries filter and order by, and what an operator reads.

CREATE TABLE oms_execution_reports
(
    account_id      text        NOT NULL,
    sequence        bigint      NOT NULL,
    client_order_id text        NOT NULL,
    event_kind      text        NOT NULL,
    order_status    text        NOT NULL,
    payload         bytea       NOT NULL,
    recorded_at     timestamptz NOT NULL DEFAULT now(),

    CONSTRAINT pk_oms_execution_reports PRIMARY KEY (account_id, sequence),
    CONSTRAINT ck_oms_execution_reports_sequence CHECK (sequence >= 1)
);

-- Reports are history: never changed or removed by the application (an operator archiving old rows must disable
-- the trigger deliberately).
CREATE TRIGGER oms_execution_reports_no_mutation
    BEFORE UPDATE OR DELETE ON oms_execution_reports
    FOR EACH ROW EXECUTE FUNCTION oms_journal_reject_mutation();

-- One row per closed order; archiving an order again (a late fill re-opened it) replaces the row when newer.
CREATE TABLE oms_archived_orders
(
    account_id           text        NOT NULL,
    client_order_id      text        NOT NULL,
    created_sequence     bigint      NOT NULL,
    archived_at_sequence bigint      NOT NULL,
    instrument           text        NOT NULL,
    order_status         text        NOT NULL,
    payload              bytea       NOT NULL,
    archived_at          timestamptz NOT NULL DEFAULT now(),

    CONSTRAINT pk_oms_archived_orders PRIMARY KEY (account_id, client_order_id)
);

-- Order history, newest first (optionally per instrument).
CREATE INDEX ix_oms_archived_orders_created ON oms_archived_orders (account_id, created_sequence DESC);

-- Every fill key an account applied that left its hot state: replays of old fills are recognised here.
CREATE TABLE oms_fill_keys
(
    account_id  text        NOT NULL,
    instrument  text        NOT NULL,
    trade_id    text        NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now(),

    CONSTRAINT pk_oms_fill_keys PRIMARY KEY (account_id, instrument, trade_id)
);
