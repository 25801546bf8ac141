/**
 * The secure prediction gateway: a policy layer in front of an Open Inference Protocol model that
 * follows Saltzer and Schroeder's design principles as Papernot's "Marauder's Map of Security and
 * Privacy in Machine Learning" (2018) asks of ML systems: complete mediation (every query is
 * authenticated, budgeted and recorded), least privilege (roles see only the outputs they need),
 * fail-safe defaults (loopback, authentication on, limits on) and compromise recording (a
 * tamper-evident audit log and detectors of extraction and attack query streams).
 */
package dev.marauder.gateway;
