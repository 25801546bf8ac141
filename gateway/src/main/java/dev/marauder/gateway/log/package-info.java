/**
 * The gateway's tamper-evident audit log ({@link dev.marauder.gateway.log.AuditLog}): every request
 * recorded in a SHA-256 hash chain with Ed25519-signed checkpoints, group-committed to SQLite or
 * PostgreSQL (schema by Flyway), verifiable by an auditor who holds only the public key, and
 * exported as JSON lines.
 */
package dev.marauder.gateway.log;
