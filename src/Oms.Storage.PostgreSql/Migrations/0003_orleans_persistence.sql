-- Migration 0003: Orleans grain state (Microsoft.Orleans.Persistence.AdoNet 10.x).
--
-- Contract with the provider (checked against the 10.4.2 assembly):
--   parameters  @GrainIdHash int, @GrainIdN0 bigint, @GrainIdN1 bigint, @GrainTypeHash int,
--               @GrainTypeString text, @GrainIdExtensionString text (NULL when the key has none),
--               @ServiceId text, @GrainStateVersion int (NULL before the first write),
--               @PayloadBinary bytea (writes only)
--   results     read: PayloadBinary, Version; write: NewGrainStateVersion; clear/delete: one column.
--   ETags       the integer Version. The provider treats a returned version equal to the one it sent,
--               or NULL where it sent a version, as a conflict (InconsistentStateException).
--
-- The provider only ever writes the binary payload, so no JSON/XML payload columns exist.
-- Grain identity is (ServiceId, GrainTypeString, GrainIdN0, GrainIdN1, GrainIdExtensionString); two
-- partial unique indexes enforce it (NULL and non-NULL extensions), so concurrent first writes of the
-- same grain cannot create two rows. Lookups go through the hash index, as the provider intends.

CREATE TABLE OrleansStorage
(
    GrainIdHash            integer     NOT NULL,
    GrainIdN0              bigint      NOT NULL,
    GrainIdN1              bigint      NOT NULL,
    GrainTypeHash          integer     NOT NULL,
    GrainTypeString        text        NOT NULL,
    GrainIdExtensionString text        NULL,
    ServiceId              text        NOT NULL,
    PayloadBinary          bytea       NULL,
    ModifiedOn             timestamptz NOT NULL DEFAULT now(),
    Version                integer     NOT NULL
);

CREATE INDEX IX_OrleansStorage_Hash ON OrleansStorage (GrainIdHash, GrainTypeHash);

CREATE UNIQUE INDEX UX_OrleansStorage_Grain
    ON OrleansStorage (ServiceId, GrainTypeString, GrainIdN0, GrainIdN1)
    WHERE GrainIdExtensionString IS NULL;

CREATE UNIQUE INDEX UX_OrleansStorage_GrainWithExtension
    ON OrleansStorage (ServiceId, GrainTypeString, GrainIdN0, GrainIdN1, GrainIdExtensionString)
    WHERE GrainIdExtensionString IS NOT NULL;

-- Writes a grain's state. Returns the new version; on a conflict returns the expected version
-- unchanged (stale ETag) or NULL (first write of a grain whose state already exists).
CREATE FUNCTION orleans_storage_write(
    p_grain_id_hash     integer,
    p_grain_id_n0       bigint,
    p_grain_id_n1       bigint,
    p_grain_type_hash   integer,
    p_grain_type        text,
    p_grain_id_ext      text,
    p_service_id        text,
    p_expected_version  integer,
    p_payload           bytea)
RETURNS integer
LANGUAGE plpgsql
AS $fn$
DECLARE
    v_new_version integer;
BEGIN
    IF p_expected_version IS NULL THEN
        BEGIN
            INSERT INTO OrleansStorage
                (GrainIdHash, GrainIdN0, GrainIdN1, GrainTypeHash, GrainTypeString,
                 GrainIdExtensionString, ServiceId, PayloadBinary, ModifiedOn, Version)
            VALUES
                (p_grain_id_hash, p_grain_id_n0, p_grain_id_n1, p_grain_type_hash, p_grain_type,
                 p_grain_id_ext, p_service_id, p_payload, now(), 1);
            RETURN 1;
        EXCEPTION WHEN unique_violation THEN
            RETURN NULL;
        END;
    END IF;

    UPDATE OrleansStorage
       SET PayloadBinary = p_payload,
           ModifiedOn = now(),
           Version = Version + 1
     WHERE GrainIdHash = p_grain_id_hash
       AND GrainTypeHash = p_grain_type_hash
       AND ServiceId = p_service_id
       AND GrainTypeString = p_grain_type
       AND GrainIdN0 = p_grain_id_n0
       AND GrainIdN1 = p_grain_id_n1
       AND GrainIdExtensionString IS NOT DISTINCT FROM p_grain_id_ext
       AND Version = p_expected_version
    RETURNING Version INTO v_new_version;

    IF NOT FOUND THEN
        RETURN p_expected_version;
    END IF;
    RETURN v_new_version;
END
$fn$;

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
('WriteToStorageKey', $q$
    SELECT orleans_storage_write(
        @GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash, @GrainTypeString,
        @GrainIdExtensionString, @ServiceId, @GrainStateVersion, @PayloadBinary) AS NewGrainStateVersion;
$q$),

('ReadFromStorageKey', $q$
    SELECT PayloadBinary, Version
      FROM OrleansStorage
     WHERE GrainIdHash = @GrainIdHash
       AND GrainTypeHash = @GrainTypeHash
       AND ServiceId = @ServiceId
       AND GrainTypeString = @GrainTypeString
       AND GrainIdN0 = @GrainIdN0
       AND GrainIdN1 = @GrainIdN1
       AND GrainIdExtensionString IS NOT DISTINCT FROM @GrainIdExtensionString;
$q$),

-- ClearStateAsync with DeleteStateOnClear = false: keeps the row (and its version history), drops the payload.
('ClearStorageKey', $q$
    UPDATE OrleansStorage
       SET PayloadBinary = NULL,
           ModifiedOn = now(),
           Version = Version + 1
     WHERE GrainIdHash = @GrainIdHash
       AND GrainTypeHash = @GrainTypeHash
       AND ServiceId = @ServiceId
       AND GrainTypeString = @GrainTypeString
       AND GrainIdN0 = @GrainIdN0
       AND GrainIdN1 = @GrainIdN1
       AND GrainIdExtensionString IS NOT DISTINCT FROM @GrainIdExtensionString
       AND Version = @GrainStateVersion
    RETURNING Version AS NewGrainStateVersion;
$q$),

-- ClearStateAsync with DeleteStateOnClear = true: removes the row. Returns a value different from the
-- expected version on success (the provider then forgets the ETag); no row means a conflict.
('DeleteStorageKey', $q$
    DELETE FROM OrleansStorage
     WHERE GrainIdHash = @GrainIdHash
       AND GrainTypeHash = @GrainTypeHash
       AND ServiceId = @ServiceId
       AND GrainTypeString = @GrainTypeString
       AND GrainIdN0 = @GrainIdN0
       AND GrainIdN1 = @GrainIdN1
       AND GrainIdExtensionString IS NOT DISTINCT FROM @GrainIdExtensionString
       AND Version = @GrainStateVersion
    RETURNING Version + 1 AS NewGrainStateVersion;
$q$);
