-- Migration 0005: the OMS journal, an append-only log of order events and fills for audit and replay.
--
-- One stream per aggregate (e.g. an account); sequence numbers are assigned by the writer and are
-- unique within a stream. Appends are idempotent on (stream_id, sequence): the same kind and payload
-- again is a no-op, anything else under an existing key is a conflict (enforced by the application,
-- PostgresJournal). Rows are never updated or deleted: triggers reject UPDATE, DELETE and TRUNCATE.
-- (An operator archiving old rows must disable oms_journal_no_mutation deliberately.)

CREATE TABLE oms_journal
(
    stream_id   text        NOT NULL,
    sequence    bigint      NOT NULL,
    kind        text        NOT NULL,
    payload     jsonb       NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now(),

    CONSTRAINT pk_oms_journal PRIMARY KEY (stream_id, sequence),
    CONSTRAINT ck_oms_journal_stream_id CHECK (length(stream_id) BETWEEN 1 AND 256),
    CONSTRAINT ck_oms_journal_sequence CHECK (sequence >= 0),
    CONSTRAINT ck_oms_journal_kind CHECK (length(kind) BETWEEN 1 AND 128)
);

CREATE INDEX ix_oms_journal_recorded_at ON oms_journal (recorded_at);

CREATE FUNCTION oms_journal_reject_mutation()
RETURNS trigger
LANGUAGE plpgsql
AS $fn$
BEGIN
    RAISE EXCEPTION 'oms_journal is append-only: % is not allowed', TG_OP;
END
$fn$;

CREATE TRIGGER oms_journal_no_mutation
    BEFORE UPDATE OR DELETE ON oms_journal
    FOR EACH ROW EXECUTE FUNCTION oms_journal_reject_mutation();

CREATE TRIGGER oms_journal_no_truncate
    BEFORE TRUNCATE ON oms_journal
    FOR EACH STATEMENT EXECUTE FUNCTION oms_journal_reject_mutation();
