/**
 * Where results come from: {@link dev.marauder.core.provenance.Provenance} records which
 * Marauder, Java, OS and engine computed a result, from which model and data, with which
 * settings and seed, and when; {@link dev.marauder.core.provenance.FileHash} gives the SHA-256
 * digests by which models and data files are identified.
 */
package dev.marauder.core.provenance;
