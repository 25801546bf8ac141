-- The tamper-evident audit log of the Marauder gateway (dev.marauder.gateway.log.AuditLog).
-- One row per request, chained by SHA-256; times are microseconds since the epoch; decisions are a
-- JSON array of strings (text, not jsonb, so that the stored text is exactly what was hashed).
-- audit_checkpoint holds the Ed25519-signed checkpoints (signature in base64).
CREATE TABLE audit_record (
    seq            BIGINT  PRIMARY KEY,
    time_micros    BIGINT  NOT NULL,
    principal      TEXT    NOT NULL,
    method         TEXT    NOT NULL,
    path           TEXT    NOT NULL,
    status         INTEGER NOT NULL,
    input_sha256   TEXT    NOT NULL,
    input_sketch   TEXT    NOT NULL,
    output         TEXT    NOT NULL,
    decisions      TEXT    NOT NULL,
    latency_micros BIGINT  NOT NULL,
    previous_hash  TEXT    NOT NULL,
    hash           TEXT    NOT NULL
);

CREATE TABLE audit_checkpoint (
    seq         BIGINT PRIMARY KEY,
    hash        TEXT   NOT NULL,
    time_micros BIGINT NOT NULL,
    key_id      TEXT   NOT NULL,
    signature   TEXT   NOT NULL
);
