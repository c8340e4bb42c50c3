-- Migration 0001: the Orleans query catalogue.
--
-- The Orleans ADO.NET providers (clustering, grain persistence, reminders) issue no SQL of their own:
-- at start-up each provider reads the statements it needs from this table, by key, and afterwards runs
-- only those, binding its parameters by name (@DeploymentId, @GrainIdHash, ...) and reading result
-- columns by name. Later migrations insert one row per query key. A statement may be replaced by a
-- later migration as long as it keeps the parameter names and result column names and types.

CREATE TABLE OrleansQuery
(
    QueryKey  varchar(64) NOT NULL,
    QueryText text        NOT NULL,

    CONSTRAINT PK_OrleansQuery PRIMARY KEY (QueryKey)
);

COMMENT ON TABLE OrleansQuery IS
    'Statements the Orleans ADO.NET providers run, by key. Owned by Oms.Storage.PostgreSql migrations.';
